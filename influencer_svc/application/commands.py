"""What influencer is asked to do, by users (HTTP) and by the saga (events). Plain data.

What influencer publishes in reply to a saga's event carries that event's saga and correlation
ids: the unit of work knows its cause, the commands need not.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from alpes.commands import CampanaCommand, CampanaMotivoCommand
from influencer_svc.domain import InfluencerSolicitado

# --- from users ---


@dataclasses.dataclass(frozen=True, kw_only=True)
class RegistrarInfluencer:
    nombre: str
    plataforma: str
    seguidores: int
    categoria: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class CambiarActividad:
    """Only deactivation is a domain operation; asking for ``activo`` as it is changes nothing."""

    id_influencer: str
    activo: bool


# --- from the saga ---


@dataclasses.dataclass(frozen=True, kw_only=True)
class AsignarInfluencers(CampanaCommand):
    solicitados: Sequence[InfluencerSolicitado]
    max_campanas: int
    """How many campaigns an influencer may hold at once."""


class RechazarPorFalloTecnico(CampanaMotivoCommand):
    """The assignment failed on every attempt: reject it, technically."""


class LiberarInfluencers(CampanaMotivoCommand):
    """A cancellation, or another participant's failure: compensate."""


class FinalizarAsignacion(CampanaCommand):
    """The campaign finished: its influencers are free again."""
