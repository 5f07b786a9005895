"""afiliaciones' own metrics (``alpes.metrics``): its sagas by state, read when scraped.

``alpes_sagas{estado_saga=...}`` counts the campaigns in each saga state (every state, 0 when
none); ``alpes_sagas_stuck`` those the sweeper is chasing (past their deadline or their
cancellation by the grace period). The confirmation latency is observed by the unit of work
(``alpes_saga_confirmation_seconds``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from afiliaciones_svc.adapters.queries import estadisticas_de_sagas
from afiliaciones_svc.adapters.unit_of_work import CONFIRMATION_LATENCY
from afiliaciones_svc.domain.saga import EstadoSaga
from alpes.metrics import SAGA_BUCKETS
from alpes.service import Service

_CLAVES = {
    EstadoSaga.EN_PROGRESO: "en_progreso",
    EstadoSaga.COMPLETADA: "completadas",
    EstadoSaga.COMPENSANDO: "compensando",
    EstadoSaga.COMPENSADA: "compensadas",
}


def install(service: Service) -> None:
    metrics = service.metrics
    sagas = metrics.gauge(
        "alpes_sagas", "Campaign sagas by state (read when scraped)", ("estado_saga",)
    )
    stuck = metrics.gauge(
        "alpes_sagas_stuck",
        "Sagas past their deadline or cancellation by the grace period (read when scraped)",
    )
    metrics.histogram(  # registered now, so it is scraped (empty) before the first saga
        CONFIRMATION_LATENCY,
        "Saga confirmation latency: from the campaign's creation to its confirmation",
        buckets=SAGA_BUCKETS,
    )
    gracia = timedelta(seconds=service.settings.saga_grace_seconds)

    async def refresh() -> None:
        async with service.db.sessions() as session:
            cuentas = await estadisticas_de_sagas(session, datetime.now(UTC), gracia)
        for estado, clave in _CLAVES.items():
            sagas.labels(estado.value).set(cuentas[clave])
        stuck.set(cuentas["atascadas"])

    metrics.on_scrape(refresh)
