"""tracking, described (``SERVICE``): what ``alpes.service`` assembles into the running service,
with the ingestion batcher its routes use.

Nothing here does I/O: connections open in the lifespan.
"""

from __future__ import annotations

from functools import partial

from alpes.service import Service, ServiceDescription
from tracking_svc.adapters.orm import LAPIDAS
from tracking_svc.adapters.repository import EventoTrackingRepository
from tracking_svc.adapters.unit_of_work import SqlTrackingUnitOfWork
from tracking_svc.application.batcher import EventoBatcher
from tracking_svc.entrypoints import http, subscribers
from tracking_svc.entrypoints.acceso import Acceso
from tracking_svc.entrypoints.metrics import IngestaMedida, eventos_por_tipo
from tracking_svc.settings import TrackingSettings


def _ingesta(service: Service) -> EventoBatcher:
    """Ingestion, the hot path, works outside the unit of work (docs/adr/0005); it counts
    the events it stores by type (``alpes_tracking_events_total``)."""
    return IngestaMedida(
        partial(EventoTrackingRepository.open, service.db.engine),
        eventos_por_tipo(service.metrics),
    )


def _acceso(service: Service) -> Acceso:
    """Ingestion's credentials and rate limits, with tracking's own settings (read here)."""
    return Acceso.de(service.db.engine, service.settings, TrackingSettings())


SERVICE = ServiceDescription(
    name="tracking",
    unit_of_work=SqlTrackingUnitOfWork,
    routers=[http.router],
    reactions=subscribers.reactions,
    domain_errors=http.DOMAIN_ERRORS,
    retention=[LAPIDAS],
    app_state={"ingesta": _ingesta, "acceso": _acceso},
)
