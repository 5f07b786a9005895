"""The rules a campaign request must keep, one class each, named by the rule.

A rule holds the data it judges (``alpes.seedwork.BusinessRule``); ``violation()`` is its typed
``ErrorValidacion`` when the data breaks it. ``check_rules`` checks them in order and raises the
first broken one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from afiliaciones_svc.domain.errors import (
    DemasiadosInfluencers,
    ErrorDominio,
    FechasInvalidas,
    FueraDeRango,
    InfluencerDuplicado,
    PresupuestoNoPositivo,
    SeguidoresNegativos,
    TextoInvalido,
    TipoInvalido,
)
from afiliaciones_svc.domain.values import (
    FECHA_MAXIMA,
    FECHA_MINIMA,
    InfluencerInfo,
    SolicitudCampana,
    TipoCampana,
)
from alpes.seedwork import BusinessRule

# The limits of a saga request: what every participant stores and accepts. ``contracts.limites``
# is their source (the HTTP models use it); the domain cannot import it, so these copies are
# pinned to it by tests/unit/contracts/test_limites.py.
LARGO_MAXIMO_NOMBRE = 200
LARGO_MAXIMO_DESCRIPCION = 2000
LARGO_MAXIMO_ID_MARCA = 64
LARGO_MAXIMO_PLATAFORMA = 100
LARGO_MAXIMO_CATEGORIA = 100
MAXIMO_INFLUENCERS = 50
SEGUIDORES_MAXIMO = 2**63 - 1
PRESUPUESTO_TOPE = Decimal("1e15")
"""Exclusive: ``presupuesto`` is below it."""


@dataclass(frozen=True)
class TipoConocido(BusinessRule):
    tipo: str

    def violation(self) -> ErrorDominio | None:
        if self.tipo not in [tipo.value for tipo in TipoCampana]:
            return TipoInvalido(self.tipo)
        return None


@dataclass(frozen=True)
class PresupuestoEnRango(BusinessRule):
    """``presupuesto`` is a finite amount above zero and below ``PRESUPUESTO_TOPE``."""

    presupuesto: Decimal

    def violation(self) -> ErrorDominio | None:
        limites = ("presupuesto", self.presupuesto, 0, PRESUPUESTO_TOPE)
        if not (self.presupuesto.is_finite() and self.presupuesto > 0):
            return PresupuestoNoPositivo(*limites)
        if not self.presupuesto < PRESUPUESTO_TOPE:
            return FueraDeRango(*limites)
        return None


@dataclass(frozen=True)
class FechaSoportada(BusinessRule):
    """``instante`` (UTC) lies in [FECHA_MINIMA, FECHA_MAXIMA]."""

    campo: str
    instante: datetime

    def violation(self) -> ErrorDominio | None:
        if not FECHA_MINIMA <= self.instante <= FECHA_MAXIMA:
            return FueraDeRango(self.campo, self.instante, FECHA_MINIMA, FECHA_MAXIMA)
        return None


@dataclass(frozen=True)
class FechaFinPosteriorAInicio(BusinessRule):
    fecha_inicio: datetime
    fecha_fin: datetime

    def violation(self) -> ErrorDominio | None:
        if self.fecha_fin <= self.fecha_inicio:
            return FechasInvalidas(self.fecha_inicio, self.fecha_fin)
        return None


@dataclass(frozen=True)
class TextoConLargo(BusinessRule):
    """``texto``, stripped, has between ``minimo`` and ``maximo`` characters."""

    campo: str
    texto: str
    minimo: int = 1
    maximo: int = LARGO_MAXIMO_NOMBRE

    def violation(self) -> ErrorDominio | None:
        if not self.minimo <= len(self.texto.strip()) <= self.maximo:
            return TextoInvalido(self.campo, self.texto, self.minimo, self.maximo)
        return None


@dataclass(frozen=True)
class InfluencersLimitados(BusinessRule):
    cantidad: int

    def violation(self) -> ErrorDominio | None:
        if self.cantidad > MAXIMO_INFLUENCERS:
            return DemasiadosInfluencers("influencers", self.cantidad, 0, MAXIMO_INFLUENCERS)
        return None


@dataclass(frozen=True)
class SeguidoresEnRango(BusinessRule):
    """An influencer's ``seguidores`` lie in [0, ``SEGUIDORES_MAXIMO``]."""

    influencer: InfluencerInfo

    def violation(self) -> ErrorDominio | None:
        seguidores = self.influencer.seguidores
        limites = (f"seguidores de {self.influencer.nombre!r}", seguidores, 0, SEGUIDORES_MAXIMO)
        if seguidores < 0:
            return SeguidoresNegativos(*limites)
        if seguidores > SEGUIDORES_MAXIMO:
            return FueraDeRango(*limites)
        return None


@dataclass(frozen=True)
class InfluencersSinRepetir(BusinessRule):
    """No (nombre, plataforma) twice, ignoring case and surrounding spaces."""

    influencers: Sequence[InfluencerInfo]

    def violation(self) -> ErrorDominio | None:
        vistos: set[tuple[str, str]] = set()
        for influencer in self.influencers:
            if influencer.clave() in vistos:
                return InfluencerDuplicado(influencer.nombre, influencer.plataforma)
            vistos.add(influencer.clave())
        return None


def reglas_de_campana(solicitud: SolicitudCampana) -> Iterator[BusinessRule]:
    """Every rule a new campaign must keep, lazily, in the order they are reported; its dates
    are aware (``SolicitudCampana.fechas_en_utc``)."""
    yield TextoConLargo("nombre", solicitud.nombre)
    yield TextoConLargo(
        "descripcion", solicitud.descripcion, minimo=0, maximo=LARGO_MAXIMO_DESCRIPCION
    )
    yield TipoConocido(solicitud.tipo)
    yield FechaSoportada("fecha_inicio", solicitud.fecha_inicio)
    yield FechaSoportada("fecha_fin", solicitud.fecha_fin)
    yield FechaFinPosteriorAInicio(solicitud.fecha_inicio, solicitud.fecha_fin)
    yield PresupuestoEnRango(solicitud.presupuesto)
    marca, influencers = solicitud.marca, solicitud.influencers
    yield TextoConLargo("marca.id_marca", marca.id_marca, maximo=LARGO_MAXIMO_ID_MARCA)
    yield TextoConLargo("marca.nombre_marca", marca.nombre_marca)
    yield InfluencersLimitados(len(influencers))
    for indice, influencer in enumerate(influencers):
        yield TextoConLargo(f"influencers[{indice}].nombre", influencer.nombre)
        yield TextoConLargo(
            f"influencers[{indice}].plataforma",
            influencer.plataforma,
            maximo=LARGO_MAXIMO_PLATAFORMA,
        )
        yield TextoConLargo(
            f"influencers[{indice}].categoria",
            influencer.categoria,
            minimo=0,
            maximo=LARGO_MAXIMO_CATEGORIA,
        )
        yield SeguidoresEnRango(influencer)
    yield InfluencersSinRepetir(influencers)
