"""The composition root of tracking: ``create_app(settings) -> FastAPI``.

Builds the database, the broker, the reactions, the outbox relay and the HTTP routes, and hands
them to ``alpes.service.build_app``. Nothing here does I/O: connections open in the lifespan.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI

import contracts as c
from alpes.asyncapi import document
from alpes.db import Database
from alpes.messaging import make_broker
from alpes.outbox import OutboxRelay
from alpes.service import Service, build_app
from alpes.settings import Settings
from tracking_svc.adapters.orm import metadata
from tracking_svc.application.batcher import EventoBatcher
from tracking_svc.entrypoints import http, subscribers

TITLE = "tracking"
DESCRIPTION = (
    "Codigos de tracking por influencer, eventos de tracking y metricas de campana; "
    "participante de la saga de creacion de campanas."
)
PUBLICA: list[type[c.IntegrationEvent]] = [
    c.TrackingHabilitado,
    c.HabilitacionTrackingRechazada,
    c.TrackingDeshabilitado,
]


def create_app(settings: Settings) -> FastAPI:
    db = Database.connect(
        settings.database_url,
        metadata,
        pool_size=settings.database_pool_size,
        namespace=settings.topic_namespace,
    )
    broker = make_broker(settings)
    subscribers.wire(broker, db, settings)
    broker.publisher(c.topic("tracking", settings.topic_namespace), title=f"{TITLE}:eventos")
    relay = OutboxRelay(
        db,
        broker,
        name="tracking",
        batch_size=settings.outbox_batch_size,
        poll_interval=settings.outbox_poll_interval_ms / 1000,
    )
    service = Service(
        name="tracking",
        settings=settings,
        db=db,
        broker=broker,
        relay=relay,
        migrations=Path(__file__).parent / "migrations",
    )
    service.asyncapi = lambda: _asyncapi(service, settings)
    app = build_app(
        service,
        title=TITLE,
        description=DESCRIPTION,
        routers=[http.router],
        domain_errors=http.DOMAIN_ERRORS,
    )
    app.state.ingesta = EventoBatcher(db)
    return app


def _asyncapi(service: Service, settings: Settings) -> dict[str, Any]:
    channels: dict[str, list[type[c.IntegrationEvent]]] = {f"{TITLE}:eventos": PUBLICA}
    for context, table in subscribers.reactions().items():
        topic = c.topic(context, settings.topic_namespace)
        channels[f"{subscribers.SUBSCRIPTION}:{topic.rsplit('/', 1)[-1]}"] = list(table)
    return document(service.broker, title=TITLE, description=DESCRIPTION, channels=channels)
