"""Domain events of a campaign: what happened, in the past tense, in domain types.

They wait in ``Campana.eventos`` until the unit of work that stored the campaign puts them in
the outbox when it commits; the adapters translate them into the integration events of
``contracts.afiliaciones`` (there ``presupuesto`` is a float, ``tipo`` and ``estado`` strings,
and ``id_evento`` is added).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from afiliaciones_svc.domain.saga import OrigenCancelacion
from afiliaciones_svc.domain.values import EstadoCampana, InfluencerInfo, MarcaRef, TipoCampana


@dataclass(frozen=True, kw_only=True)
class EventoCampana:
    """What every campaign event carries. An event that says no more is a plain subclass (it
    stays the dataclass its base is); one that says more is a dataclass itself."""

    id_campana: str
    id_saga: str
    id_correlacion: str
    ocurrido_en: datetime


@dataclass(frozen=True, kw_only=True)
class CampanaCreada(EventoCampana):
    """The whole campaign as created (fat event): it opens the saga."""

    nombre: str
    descripcion: str
    tipo: TipoCampana
    estado: EstadoCampana
    fecha_creacion: datetime
    fecha_inicio: datetime
    fecha_fin: datetime
    presupuesto: Decimal
    marca: MarcaRef
    influencers: tuple[InfluencerInfo, ...]
    plazo_saga: datetime


class CampanaConfirmada(EventoCampana):
    """Every participant did its step."""


@dataclass(frozen=True, kw_only=True)
class CampanaCancelada(EventoCampana):
    """Participants that did their step compensate it."""

    motivo: str
    origen: OrigenCancelacion


class CampanaIniciada(EventoCampana):
    """The confirmed campaign started."""


@dataclass(frozen=True, kw_only=True)
class CampanaFinalizada(EventoCampana):
    """The campaign ended; participants release what they held for it."""

    id_marca: str
