"""afiliaciones, described (``SERVICE``): what ``alpes.service`` assembles into the running
service, with the deadline and sweeper job beside the subscribers.

Nothing here does I/O: connections open in the app's lifespan.
"""

from __future__ import annotations

from afiliaciones_svc.adapters.unit_of_work import SqlAfiliacionesUnitOfWork
from afiliaciones_svc.application.errors import NoEncontrada
from afiliaciones_svc.domain.errors import ErrorValidacion, TransicionInvalida
from afiliaciones_svc.entrypoints import http, subscribers
from afiliaciones_svc.entrypoints.deadlines import deadline_job
from alpes.service import ServiceDescription

SERVICE = ServiceDescription(
    name="afiliaciones",
    unit_of_work=SqlAfiliacionesUnitOfWork,
    routers=[http.router],
    reactions=subscribers.reactions,
    domain_errors={ErrorValidacion: 422, NoEncontrada: 404, TransicionInvalida: 409},
    background=[deadline_job],
)
