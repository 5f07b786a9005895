"""Value objects of a campaign: what it is (tipo), where it is (estado), who pays, who promotes,
and what a new one is asked to be (``SolicitudCampana``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum


class TipoCampana(StrEnum):
    INFLUENCER = "influencer"
    AFILIADO = "afiliado"
    MIXTA = "mixta"


class EstadoCampana(StrEnum):
    CREADA = "creada"
    CONFIRMADA = "confirmada"
    INICIADA = "iniciada"
    FINALIZADA = "finalizada"
    CANCELADA = "cancelada"


@dataclass(frozen=True)
class MarcaRef:
    """La marca que paga la campana (its brand lives in marca; here only its reference)."""

    id_marca: str
    nombre_marca: str


@dataclass(frozen=True)
class InfluencerInfo:
    """Un influencer pedido; ``id_influencer`` is None until influencer knows it."""

    nombre: str
    plataforma: str
    seguidores: int
    categoria: str
    id_influencer: str | None = None

    def clave(self) -> tuple[str, str]:
        """Who the influencer is: (nombre, plataforma), case- and space-insensitive."""
        return (self.nombre.strip().casefold(), self.plataforma.strip().casefold())


@dataclass(frozen=True, kw_only=True)
class SolicitudCampana:
    """What a new campaign is asked to be, as it was asked: neither checked yet
    (``rules.reglas_de_campana`` says what it must keep) nor cleaned (``Campana.crear`` stores
    its texts stripped)."""

    nombre: str
    descripcion: str
    tipo: str
    fecha_inicio: datetime
    fecha_fin: datetime
    presupuesto: Decimal
    marca: MarcaRef
    influencers: Sequence[InfluencerInfo]

    def fechas_en_utc(self) -> SolicitudCampana:
        """The same request with its dates in UTC (``en_utc``)."""
        return replace(
            self, fecha_inicio=en_utc(self.fecha_inicio), fecha_fin=en_utc(self.fecha_fin)
        )


FECHA_MINIMA = datetime(1900, 1, 1, tzinfo=UTC)
FECHA_MAXIMA = datetime(9999, 12, 30, 23, 59, 59, 999999, tzinfo=UTC)
"""The instants a campaign's dates may take, in UTC: ``contracts.limites`` has the same values
(the domain cannot import it; a test pins them). The upper bound leaves a day for any UTC offset
a reader converts it to; Python's datetime ends in year 9999."""


def en_utc(instante: datetime) -> datetime:
    """``instante`` as an aware UTC datetime; a naive one is read as UTC (as Avro does).

    An instant Python cannot express in UTC (year 1 at +05:00) raises ``FueraDeRango``.
    """
    if instante.tzinfo is None:
        return instante.replace(tzinfo=UTC)
    try:
        return instante.astimezone(UTC)
    except OverflowError:
        from afiliaciones_svc.domain.errors import FueraDeRango  # errors imports this module

        raise FueraDeRango("la fecha", instante, FECHA_MINIMA, FECHA_MAXIMA) from None
