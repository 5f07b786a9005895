"""Commands: what a user or another service asks afiliaciones to do (the write side)."""

from __future__ import annotations

from dataclasses import dataclass

from afiliaciones_svc.domain.saga import Participante, Resultado
from afiliaciones_svc.domain.values import SolicitudCampana
from alpes.commands import CampanaCommand, CampanaMotivoCommand


@dataclass(frozen=True, kw_only=True)
class CrearCampana:
    """Create the campaign ``solicitud`` asks for; ``id_correlacion`` follows its saga."""

    solicitud: SolicitudCampana
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
