"""marca, described (``SERVICE``): what ``alpes.service`` assembles into the running service.

Nothing here does I/O: the engine connects lazily, and the broker, the migrations and the outbox
relay start in the app's lifespan.
"""

from __future__ import annotations

from alpes.service import ServiceDescription
from marca_svc.adapters.orm import LAPIDAS
from marca_svc.adapters.unit_of_work import SqlMarcaUnitOfWork
from marca_svc.application.errors import MarcaNoEncontrada, MarcaYaExiste
from marca_svc.domain import DatosMarcaInvalidos, ErrorDominio, MontoInvalido
from marca_svc.domain.errors import PresupuestoMenorQueReservado
from marca_svc.entrypoints import http, subscribers

SERVICE = ServiceDescription(
    name="marca",
    unit_of_work=SqlMarcaUnitOfWork,
    routers=[http.router],
    reactions=subscribers.reactions,
    domain_errors={  # the most specific class of an error wins
        MarcaNoEncontrada: 404,
        MarcaYaExiste: 409,
        PresupuestoMenorQueReservado: 409,
        DatosMarcaInvalidos: 422,
        MontoInvalido: 422,
        ErrorDominio: 409,
    },
    retention=[LAPIDAS],
)
