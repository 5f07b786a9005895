"""The composition root of tracking: ``create_app(settings) -> FastAPI``.

Builds the database, the broker, the reactions, the outbox relay and the HTTP routes, and hands
them to ``alpes.service.build_app``. Nothing here does I/O: connections open in the lifespan.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from fastapi import FastAPI

from alpes.service import assemble, build_app
from alpes.settings import Settings
from tracking_svc.adapters.orm import LAPIDAS, metadata
from tracking_svc.adapters.repository import EventoTrackingRepository
from tracking_svc.adapters.unit_of_work import SqlTrackingUnitOfWork
from tracking_svc.application.batcher import EventoBatcher
from tracking_svc.entrypoints import http, subscribers

TITLE = "tracking"
DESCRIPTION = (
    "Codigos de tracking por influencer, eventos de tracking y metricas de campana; "
    "participante de la saga de creacion de campanas."
)


def create_app(settings: Settings) -> FastAPI:
    service = assemble(
        settings,
        name="tracking",
        metadata=metadata,
        migrations=Path(__file__).parent / "migrations",
        reactions=subscribers.reactions,
        title=TITLE,
        description=DESCRIPTION,
        domain_errors=http.DOMAIN_ERRORS,
        retention=[LAPIDAS],
        unit_of_work=SqlTrackingUnitOfWork,
    )
    app = build_app(
        service,
        title=TITLE,
        description=DESCRIPTION,
        routers=[http.router],
    )
    # ingestion, the hot path, works outside the unit of work (docs/adr/0005)
    app.state.ingesta = EventoBatcher(partial(EventoTrackingRepository.open, service.db.engine))
    return app
