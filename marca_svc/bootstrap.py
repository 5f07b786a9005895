"""The composition root of marca: ``create_app(settings)`` -> the ASGI app.

Nothing here does I/O: the engine connects lazily, and the broker, the migrations and the outbox
relay start in the app's lifespan (``alpes.service.Service.start``).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from alpes.service import assemble, build_app
from alpes.settings import Settings
from marca_svc.adapters.orm import LAPIDAS, metadata
from marca_svc.adapters.unit_of_work import SqlMarcaUnitOfWork
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
    service = assemble(
        settings,
        name="marca",
        metadata=metadata,
        migrations=Path(__file__).parent / "migrations",
        reactions=subscribers.reactions,
        title=TITLE,
        description=DESCRIPTION,
        domain_errors=DOMAIN_ERRORS,
        retention=[LAPIDAS],
        unit_of_work=SqlMarcaUnitOfWork,
    )
    return build_app(
        service,
        title=TITLE,
        description=DESCRIPTION,
        routers=[http.router],
    )
