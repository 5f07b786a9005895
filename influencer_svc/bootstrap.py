"""The composition root of influencer: ``create_app(settings)`` builds the whole service.

Nothing here does I/O: the database, broker and relay connect when the app starts.
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
from influencer_svc.adapters.orm import metadata
from influencer_svc.application.errors import (
    InfluencerNoEncontrado,
    InfluencerYaRegistrado,
    ReactivacionNoSoportada,
)
from influencer_svc.domain import DatosInfluencerInvalidos, ErrorDominio
from influencer_svc.entrypoints import http, subscribers

NAME: c.Context = "influencer"
TITLE = "Alpes Partners: influencer"
DESCRIPTION = (
    "Influencers and their campaign assignments: assigns a campaign's influencers all or "
    "nothing within their capacity, and releases them on cancellation, failure or finalization."
)
PUBLISHED: list[type[c.IntegrationEvent]] = [
    c.InfluencersAsignados,
    c.AsignacionInfluencersRechazada,
    c.InfluencersLiberados,
]
DOMAIN_ERRORS: dict[type[Exception], int] = {
    InfluencerNoEncontrado: 404,
    InfluencerYaRegistrado: 409,
    ReactivacionNoSoportada: 409,
    DatosInfluencerInvalidos: 422,
    ErrorDominio: 409,
}


def create_app(settings: Settings) -> FastAPI:
    db = Database.connect(
        settings.database_url,
        metadata,
        pool_size=settings.database_pool_size,
        namespace=settings.topic_namespace,
    )
    broker = make_broker(settings)
    subscribers.wire(broker, db, settings)
    broker.publisher(c.topic(NAME, settings.topic_namespace), title=f"{NAME}:eventos")
    relay = OutboxRelay(
        db,
        broker,
        name=NAME,
        batch_size=settings.outbox_batch_size,
        poll_interval=settings.outbox_poll_interval_ms / 1000,
    )
    channels = {**subscribers.channels(settings), f"{NAME}:eventos": PUBLISHED}

    def asyncapi() -> dict[str, Any]:
        return document(broker, title=TITLE, description=DESCRIPTION, channels=channels)

    service = Service(
        name=NAME,
        settings=settings,
        db=db,
        broker=broker,
        relay=relay,
        migrations=Path(__file__).parent / "migrations",
        asyncapi=asyncapi,
    )
    return build_app(
        service,
        title=TITLE,
        description=DESCRIPTION,
        routers=[http.router],
        domain_errors=DOMAIN_ERRORS,
    )
