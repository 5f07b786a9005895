"""Value objects of a campaign: what it is (tipo), where it is (estado), who pays, who promotes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
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


def en_utc(instante: datetime) -> datetime:
    """``instante`` as an aware UTC datetime; a naive one is read as UTC (as Avro does)."""
    if instante.tzinfo is None:
        return instante.replace(tzinfo=UTC)
    return instante.astimezone(UTC)
