"""Commands of tracking: what a client asks it to record."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID


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
