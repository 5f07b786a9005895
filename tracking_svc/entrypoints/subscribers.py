"""What tracking reacts to, by the topic of the context that publishes it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import contracts as c
from alpes.messaging import Handler, Reaction, subscribe
from tracking_svc.application import handlers

if TYPE_CHECKING:
    from alpes.db import Database
    from alpes.failures import FailurePolicy
    from alpes.settings import Settings
    from faststream_pulsar import PulsarBroker

SUBSCRIPTION = c.subscription("tracking")


def reactions() -> dict[c.Context, dict[type[c.IntegrationEvent], Reaction | Handler]]:
    """The reactions by publishing context. A participant's failure compensates like a
    cancellation; a ``CampanaCreada`` that keeps failing ends in a technical rejection."""
    return {
        "afiliaciones": {
            c.CampanaCreada: Reaction(
                handlers.when_campana_creada_habilitar,
                on_exhausted=handlers.when_fallo_tecnico_rechazar,
            ),
            c.CampanaCancelada: handlers.when_campana_cancelada_deshabilitar,
            c.CampanaFinalizada: handlers.when_campana_finalizada_cerrar,
        },
        "marca": {c.ReservaPresupuestoRechazada: handlers.when_campana_cancelada_deshabilitar},
        "influencer": {
            c.AsignacionInfluencersRechazada: handlers.when_campana_cancelada_deshabilitar
        },
    }


def wire(
    broker: PulsarBroker, db: Database, settings: Settings, failures: FailurePolicy
) -> list[str]:
    """Subscribe to every topic with a reaction; returns the topics."""
    topics = []
    for context, table in reactions().items():
        topic = c.topic(context, settings.topic_namespace)
        subscribe(
            broker,
            db,
            topic=topic,
            subscription=SUBSCRIPTION,
            reactions=table,
            settings=settings,
            failures=failures,
        )
        topics.append(topic)
    return topics
