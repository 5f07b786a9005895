"""afiliaciones, described (``SERVICE``): what ``alpes.service`` assembles into the running
service, with the deadline and sweeper job beside the subscribers and the admission control of the
routes that start a saga.

Nothing here does I/O: connections open in the app's lifespan.
"""

from __future__ import annotations

from afiliaciones_svc.adapters.admission import SagaAdmission, counter
from afiliaciones_svc.adapters.unit_of_work import SqlAfiliacionesUnitOfWork
from afiliaciones_svc.application.errors import NoEncontrada
from afiliaciones_svc.domain.errors import ErrorValidacion, TransicionInvalida
from afiliaciones_svc.entrypoints import http, metrics, subscribers
from afiliaciones_svc.entrypoints.deadlines import deadline_job
from alpes.service import Service, ServiceDescription


def _admision(service: Service) -> SagaAdmission:
    """Admission control of the routes that start a saga (docs/adr/0010)."""
    s = service.settings
    return SagaAdmission(
        counter(service.db.sessions),
        limit=s.saga_backlog_limit,
        deadline_seconds=s.saga_deadline_seconds,
        grace_seconds=s.saga_grace_seconds,
        refresh_seconds=s.saga_backlog_refresh_seconds,
    )


SERVICE = ServiceDescription(
    name="afiliaciones",
    unit_of_work=SqlAfiliacionesUnitOfWork,
    routers=[http.router],
    reactions=subscribers.reactions,
    domain_errors={ErrorValidacion: 422, NoEncontrada: 404, TransicionInvalida: 409},
    background=[deadline_job],
    app_state={"admision": _admision},
    metrics=[metrics.install],
)
