"""Domain events of tracking. Adapters translate them into ``contracts.tracking``.

Only business fields: the envelope (event id, time, saga and correlation ids) is the adapter's.
"""

import dataclasses

from alpes.seedwork import EventoDePaso, PasoLiberado, PasoRechazado


@dataclasses.dataclass(frozen=True, kw_only=True)
class EventoDominio:
    """Base of the domain events of tracking."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class CodigoInfluencer:
    """One influencer's tracking code, as ``TrackingHabilitado`` lists it."""

    codigo: str
    id_influencer: str | None
    nombre: str
    plataforma: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class TrackingHabilitado(EventoDominio, EventoDePaso):
    codigos: tuple[CodigoInfluencer, ...]


@dataclasses.dataclass(frozen=True, kw_only=True)
class HabilitacionTrackingRechazada(EventoDominio, PasoRechazado):
    """The campaign's tracking was not provisioned."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class TrackingDeshabilitado(EventoDominio, PasoLiberado):
    """Compensation (also when nothing was provisioned) or end of the campaign."""


EventoTracking = TrackingHabilitado | HabilitacionTrackingRechazada | TrackingDeshabilitado
