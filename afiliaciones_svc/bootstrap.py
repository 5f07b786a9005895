"""The composition root of afiliaciones: ``create_app(settings)`` -> the ASGI app.

Builds the database, the broker with its subscriptions and publisher, the outbox relay and the
deadline job, and hands them to ``alpes.service.build_app``. Nothing here does I/O: connections
open in the app's lifespan.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI

import contracts as c
from afiliaciones_svc.adapters.orm import metadata
from afiliaciones_svc.adapters.repository import CampanaModificada
from afiliaciones_svc.application.errors import NoEncontrada
from afiliaciones_svc.domain.errors import ErrorValidacion, TransicionInvalida
from afiliaciones_svc.entrypoints import subscribers
from afiliaciones_svc.entrypoints.deadlines import deadline_job
from afiliaciones_svc.entrypoints.http import router
from alpes.asyncapi import document
from alpes.db import Database
from alpes.messaging import make_broker
from alpes.outbox import OutboxRelay
from alpes.service import Service, build_app
from alpes.settings import Settings

NAME: c.Context = "afiliaciones"
TITLE = "Alpes Partners - afiliaciones"
DESCRIPTION = (
    "Campañas de marketing con influencers y afiliados: crea la campaña, abre su saga "
    "(CampanaCreada) y la confirma o cancela según respondan marca, influencer y tracking."
)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
PUBLISHED: list[type[c.IntegrationEvent]] = [
    c.CampanaCreada,
    c.CampanaConfirmada,
    c.CampanaCancelada,
    c.CampanaIniciada,
    c.CampanaFinalizada,
]
DOMAIN_ERRORS: dict[type[Exception], int] = {
    ErrorValidacion: 422,
    NoEncontrada: 404,
    TransicionInvalida: 409,
    CampanaModificada: 409,
}


def create_app(settings: Settings) -> FastAPI:
    namespace = settings.topic_namespace
    db = Database.connect(
        settings.database_url,
        metadata,
        pool_size=settings.database_pool_size,
        namespace=namespace,
    )
    broker = make_broker(settings)
    subscribers.wire(broker, db, settings)
    broker.publisher(c.topic(NAME, namespace), title=f"{NAME}:eventos")
    relay = OutboxRelay(
        db,
        broker,
        name=NAME,
        batch_size=settings.outbox_batch_size,
        poll_interval=settings.outbox_poll_interval_ms / 1000,
    )

    def asyncapi() -> dict[str, Any]:
        return document(broker, title=TITLE, description=DESCRIPTION, channels=_channels(namespace))

    service = Service(
        name=NAME,
        settings=settings,
        db=db,
        broker=broker,
        relay=relay,
        migrations=MIGRATIONS,
        background=[deadline_job(db, settings)],
        asyncapi=asyncapi,
    )
    return build_app(
        service, title=TITLE, description=DESCRIPTION, routers=[router], domain_errors=DOMAIN_ERRORS
    )


def _channels(namespace: str) -> dict[str, list[type[c.IntegrationEvent]]]:
    """AsyncAPI channel titles -> the events on them (what it sends, what it reacts to)."""
    channels = {f"{NAME}:eventos": PUBLISHED}
    for context, table in subscribers.reactions().items():
        address = c.topic(context, namespace).rsplit("/", 1)[-1]
        channels[f"{subscribers.SUBSCRIPTION}:{address}"] = list(table)
    return channels
