"""The composition root of afiliaciones: ``create_app(settings)`` -> the ASGI app.

Builds the database, the broker with its subscriptions and publisher, the outbox relay and the
deadline job, and hands them to ``alpes.service.build_app``. Nothing here does I/O: connections
open in the app's lifespan.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

import contracts as c
from afiliaciones_svc.adapters.orm import metadata
from afiliaciones_svc.adapters.unit_of_work import SqlAfiliacionesUnitOfWork
from afiliaciones_svc.application.errors import NoEncontrada
from afiliaciones_svc.domain.errors import ErrorValidacion, TransicionInvalida
from afiliaciones_svc.entrypoints import subscribers
from afiliaciones_svc.entrypoints.deadlines import deadline_job
from afiliaciones_svc.entrypoints.http import router
from alpes.service import assemble, build_app
from alpes.settings import Settings

NAME: c.Context = "afiliaciones"
TITLE = "Alpes Partners - afiliaciones"
DESCRIPTION = (
    "Campañas de marketing con influencers y afiliados: crea la campaña, abre su saga "
    "(CampanaCreada) y la confirma o cancela según respondan marca, influencer y tracking."
)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
DOMAIN_ERRORS: dict[type[Exception], int] = {
    ErrorValidacion: 422,
    NoEncontrada: 404,
    TransicionInvalida: 409,
}


def create_app(settings: Settings) -> FastAPI:
    service = assemble(
        settings,
        name=NAME,
        metadata=metadata,
        migrations=MIGRATIONS,
        reactions=subscribers.reactions,
        title=TITLE,
        description=DESCRIPTION,
        domain_errors=DOMAIN_ERRORS,
        background=[deadline_job],
        unit_of_work=SqlAfiliacionesUnitOfWork,
    )
    return build_app(service, title=TITLE, description=DESCRIPTION, routers=[router])
