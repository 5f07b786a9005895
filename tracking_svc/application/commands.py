"""Commands of tracking: what a client asks it to record, and what the saga asks it to do.

What tracking publishes in reply to a saga's event carries that event's saga and correlation
ids: the unit of work knows its cause, the commands need not."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from alpes.commands import CampanaCommand, CampanaMotivoCommand
from tracking_svc.domain import InfluencerATrackear

# --- from clients ---


@dataclass(frozen=True, kw_only=True)
class RegistrarEvento:
    """Count one tracking event of a campaign, optionally attributed to a tracking code.

    ``id_evento`` is the client's id of the event: a repeat of an id already stored is answered
    with the stored event and counted once. Without it, ingestion generates one."""

    id_campana: str
    tipo_evento: str
    datos: Mapping[str, Any] = field(default_factory=dict)
    codigo: str | None = None
    id_evento: UUID | None = None


# --- from the saga ---


@dataclass(frozen=True)
class HabilitarTracking(CampanaCommand):
    id_marca: str
    influencers: tuple[InfluencerATrackear, ...]


class DeshabilitarTracking(CampanaMotivoCommand):
    """A cancellation, or another participant's failure: the codes stop counting."""


class CerrarTracking(CampanaCommand):
    """The campaign finished: its codes stop counting."""
