"""The composition root of influencer: ``create_app(settings)`` builds the whole service.

Nothing here does I/O: the database, broker and relay connect when the app starts.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

import contracts as c
from alpes.service import assemble, build_app
from alpes.settings import Settings
from influencer_svc.adapters.orm import LAPIDAS, metadata
from influencer_svc.adapters.unit_of_work import SqlInfluencerUnitOfWork
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
DOMAIN_ERRORS: dict[type[Exception], int] = {
    InfluencerNoEncontrado: 404,
    InfluencerYaRegistrado: 409,
    ReactivacionNoSoportada: 409,
    DatosInfluencerInvalidos: 422,
    ErrorDominio: 409,
}


def create_app(settings: Settings) -> FastAPI:
    service = assemble(
        settings,
        name=NAME,
        metadata=metadata,
        migrations=Path(__file__).parent / "migrations",
        reactions=subscribers.reactions,
        title=TITLE,
        description=DESCRIPTION,
        domain_errors=DOMAIN_ERRORS,
        retention=[LAPIDAS],
        unit_of_work=SqlInfluencerUnitOfWork,
    )
    return build_app(
        service,
        title=TITLE,
        description=DESCRIPTION,
        routers=[http.router],
    )
