"""Commands: what a user or another service asks afiliaciones to do (the write side)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from afiliaciones_svc.domain.saga import Participante, Resultado
from afiliaciones_svc.domain.values import InfluencerInfo, MarcaRef
from alpes.commands import CampanaCommand, CampanaMotivoCommand


@dataclass(frozen=True, kw_only=True)
class CrearCampana:
    nombre: str
    descripcion: str
    tipo: str
    fecha_inicio: datetime
    fecha_fin: datetime
    presupuesto: Decimal
    marca: MarcaRef
    influencers: Sequence[InfluencerInfo]
    id_correlacion: str


class IniciarCampana(CampanaCommand):
    """Start a confirmed campaign."""


class FinalizarCampana(CampanaCommand):
    """Finish a started campaign."""


@dataclass(frozen=True)
class CancelarCampana(CampanaMotivoCommand):
    motivo: str = "cancelada por el usuario"


@dataclass(frozen=True, kw_only=True)
class RegistrarResultado(CampanaCommand):
    """A participant answered the saga: success, failure or compensation."""

    participante: Participante
    resultado: Resultado
    motivo: str | None = None
