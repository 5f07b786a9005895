"""afiliaciones's unit of work on PostgreSQL: its tables, its repositories on the transaction's
session, and the translation of its domain events into integration events for the outbox.

Once it commits a campaign's confirmation, it observes the saga's confirmation latency (from
the campaign's creation) in the service's metrics (``alpes.metrics``,
``alpes_saga_confirmation_seconds``)."""

from __future__ import annotations

from functools import partial

from afiliaciones_svc.adapters import orm, translators
from afiliaciones_svc.adapters.repository import CampanaRepository
from afiliaciones_svc.domain.events import CampanaConfirmada
from afiliaciones_svc.domain.model import Campana
from alpes.db import UnitOfWork, repository
from alpes.metrics import SAGA_BUCKETS

CONFIRMATION_LATENCY = "alpes_saga_confirmation_seconds"


class SqlAfiliacionesUnitOfWork(UnitOfWork):
    metadata = orm.metadata
    translate = translators.a_contrato
    campanas = repository(CampanaRepository)

    async def publish_collected(self) -> None:
        metrics = self.db.metrics
        if metrics is not None:
            latencies = [
                (evento.ocurrido_en - campana.fecha_creacion).total_seconds()
                for campana in self._stored
                if isinstance(campana, Campana)
                for evento in campana.eventos
                if isinstance(evento, CampanaConfirmada)
            ]
            if latencies:
                histogram = metrics.histogram(
                    CONFIRMATION_LATENCY,
                    "Saga confirmation latency: from the campaign's creation to its confirmation",
                    buckets=SAGA_BUCKETS,
                )
                for seconds in latencies:
                    self.after_commit.append(partial(histogram.observe, max(0.0, seconds)))
        await super().publish_collected()
