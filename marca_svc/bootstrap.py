"""The composition root of marca: ``create_app(settings)`` -> the ASGI app.

Nothing here does I/O: the engine connects lazily, and the broker, the migrations and the outbox
relay start in the app's lifespan (``alpes.service.Service.start``).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

import contracts as c
from alpes.asyncapi import document
from alpes.db import Database
from alpes.messaging import make_broker
from alpes.outbox import OutboxRelay
from alpes.service import Service, build_app
from alpes.settings import Settings
from marca_svc.adapters.orm import metadata
from marca_svc.application.errors import MarcaNoEncontrada, MarcaYaExiste
from marca_svc.domain import DatosMarcaInvalidos, ErrorDominio, MontoInvalido
from marca_svc.domain.errors import PresupuestoMenorQueReservado
from marca_svc.entrypoints import http, subscribers

TITLE = "Alpes Partners: marca"
DESCRIPTION = (
    "Marcas y su presupuesto. Participa en la saga de campañas: reserva el presupuesto de cada "
    "campaña creada, lo libera si la campaña se cancela o otro participante falla, y lo da por "
    "gastado cuando la campaña finaliza."
)

DOMAIN_ERRORS: dict[type[Exception], int] = {  # the most specific class of an error wins
    MarcaNoEncontrada: 404,
    MarcaYaExiste: 409,
    PresupuestoMenorQueReservado: 409,
    DatosMarcaInvalidos: 422,
    MontoInvalido: 422,
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
    broker.publisher(c.topic("marca", settings.topic_namespace), title="marca:eventos")
    relay = OutboxRelay(
        db,
        broker,
        name="marca",
        batch_size=settings.outbox_batch_size,
        poll_interval=settings.outbox_poll_interval_ms / 1000,
    )
    service = Service(
        name="marca",
        settings=settings,
        db=db,
        broker=broker,
        relay=relay,
        migrations=Path(__file__).parent / "migrations",
        asyncapi=lambda: document(
            broker,
            title=TITLE,
            description=DESCRIPTION,
            channels=subscribers.channels(settings),
        ),
    )
    return build_app(
        service,
        title=TITLE,
        description=DESCRIPTION,
        routers=[http.router],
        domain_errors=DOMAIN_ERRORS,
    )
