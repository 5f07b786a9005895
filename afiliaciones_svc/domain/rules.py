"""The rules a campaign request must keep, one class each, named by the rule.

A rule holds the data it judges; ``verificar()`` raises its typed ``ErrorValidacion`` when the
data breaks it. ``verificar_todas`` checks them in order and stops at the first broken one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from afiliaciones_svc.domain.errors import (
    DemasiadosInfluencers,
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
    MarcaRef,
    TipoCampana,
)

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


class Regla(Protocol):
    def verificar(self) -> None: ...


def verificar_todas(reglas: Iterable[Regla]) -> None:
    for regla in reglas:
        regla.verificar()


@dataclass(frozen=True)
class TipoConocido:
    tipo: str

    def verificar(self) -> None:
        validos = [tipo.value for tipo in TipoCampana]
        if self.tipo not in validos:
            raise TipoInvalido(self.tipo, validos)


@dataclass(frozen=True)
class PresupuestoPositivo:
    presupuesto: Decimal

    def verificar(self) -> None:
        if not (self.presupuesto.is_finite() and self.presupuesto > 0):
            raise PresupuestoNoPositivo(self.presupuesto)


@dataclass(frozen=True)
class PresupuestoBajoTope:
    presupuesto: Decimal

    def verificar(self) -> None:
        if not self.presupuesto < PRESUPUESTO_TOPE:
            raise FueraDeRango("presupuesto", self.presupuesto, 0, PRESUPUESTO_TOPE)


@dataclass(frozen=True)
class FechaSoportada:
    """``instante`` (UTC) lies in [FECHA_MINIMA, FECHA_MAXIMA]."""

    campo: str
    instante: datetime

    def verificar(self) -> None:
        if not FECHA_MINIMA <= self.instante <= FECHA_MAXIMA:
            raise FueraDeRango(self.campo, self.instante, FECHA_MINIMA, FECHA_MAXIMA)


@dataclass(frozen=True)
class FechaFinPosteriorAInicio:
    fecha_inicio: datetime
    fecha_fin: datetime

    def verificar(self) -> None:
        if self.fecha_fin <= self.fecha_inicio:
            raise FechasInvalidas(self.fecha_inicio, self.fecha_fin)


@dataclass(frozen=True)
class TextoConLargo:
    """``texto``, stripped, has between ``minimo`` and ``maximo`` characters."""

    campo: str
    texto: str
    minimo: int = 1
    maximo: int = LARGO_MAXIMO_NOMBRE

    def verificar(self) -> None:
        if not self.minimo <= len(self.texto.strip()) <= self.maximo:
            raise TextoInvalido(self.campo, self.minimo, self.maximo)


@dataclass(frozen=True)
class InfluencersLimitados:
    cantidad: int

    def verificar(self) -> None:
        if self.cantidad > MAXIMO_INFLUENCERS:
            raise DemasiadosInfluencers(self.cantidad, MAXIMO_INFLUENCERS)


@dataclass(frozen=True)
class SeguidoresNoNegativos:
    influencer: InfluencerInfo

    def verificar(self) -> None:
        if self.influencer.seguidores < 0:
            raise SeguidoresNegativos(self.influencer.nombre, self.influencer.seguidores)
        if self.influencer.seguidores > SEGUIDORES_MAXIMO:
            raise FueraDeRango(
                f"seguidores de {self.influencer.nombre!r}",
                self.influencer.seguidores,
                0,
                SEGUIDORES_MAXIMO,
            )


@dataclass(frozen=True)
class InfluencersSinRepetir:
    """No (nombre, plataforma) twice, ignoring case and surrounding spaces."""

    influencers: Sequence[InfluencerInfo]

    def verificar(self) -> None:
        vistos: set[tuple[str, str]] = set()
        for influencer in self.influencers:
            if influencer.clave() in vistos:
                raise InfluencerDuplicado(influencer.nombre, influencer.plataforma)
            vistos.add(influencer.clave())


def reglas_de_campana(
    *,
    nombre: str,
    descripcion: str,
    tipo: str,
    fecha_inicio: datetime,
    fecha_fin: datetime,
    presupuesto: Decimal,
    marca: MarcaRef,
    influencers: Sequence[InfluencerInfo],
) -> Iterator[Regla]:
    """Every rule a new campaign must keep, lazily, in the order they are reported."""
    yield TextoConLargo("nombre", nombre)
    yield TextoConLargo("descripcion", descripcion, minimo=0, maximo=LARGO_MAXIMO_DESCRIPCION)
    yield TipoConocido(tipo)
    yield FechaSoportada("fecha_inicio", fecha_inicio)
    yield FechaSoportada("fecha_fin", fecha_fin)
    yield FechaFinPosteriorAInicio(fecha_inicio, fecha_fin)
    yield PresupuestoPositivo(presupuesto)
    yield PresupuestoBajoTope(presupuesto)
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
        yield SeguidoresNoNegativos(influencer)
    yield InfluencersSinRepetir(influencers)
