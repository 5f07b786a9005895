"""What afiliaciones reacts to: every participant's outcome, on that participant's topic."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import contracts as c
from afiliaciones_svc.adapters.translators import RESULTADOS
from afiliaciones_svc.application import handlers
from alpes.messaging import subscribe

if TYPE_CHECKING:
    from alpes.db import Database
    from alpes.failures import FailurePolicy
    from alpes.messaging import Handler
    from alpes.settings import Settings
    from faststream_pulsar import PulsarBroker

SUBSCRIPTION = c.subscription("afiliaciones")


def reactions() -> dict[c.Context, dict[type[c.IntegrationEvent], Handler]]:
    """Every outcome event, by the context that publishes it, recorded by one reaction."""
    tables: dict[c.Context, dict[type[c.IntegrationEvent], Handler]] = defaultdict(dict)
    for event_type in RESULTADOS:
        tables[event_type.context][event_type] = handlers.when_participante_responde_registrar
    return dict(tables)


def wire(broker: PulsarBroker, db: Database, settings: Settings, failures: FailurePolicy) -> None:
    for context, table in reactions().items():
        subscribe(
            broker,
            db,
            topic=c.topic(context, settings.topic_namespace),
            subscription=SUBSCRIPTION,
            reactions=table,
            settings=settings,
            failures=failures,
        )
