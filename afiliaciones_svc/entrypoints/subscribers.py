"""What afiliaciones reacts to: every participant's outcome, on that participant's topic."""

from __future__ import annotations

from typing import TYPE_CHECKING

import contracts as c
from afiliaciones_svc.application import handlers
from alpes.messaging import subscribe

if TYPE_CHECKING:
    from alpes.db import Database
    from alpes.messaging import Handler
    from alpes.settings import Settings
    from faststream_pulsar import PulsarBroker

SUBSCRIPTION = c.subscription("afiliaciones")


def reactions() -> dict[c.Context, dict[type[c.IntegrationEvent], Handler]]:
    """The reactions by publishing context; read from ``handlers`` when wiring."""
    return {
        "marca": {
            c.PresupuestoReservado: handlers.when_presupuesto_reservado_registrar_exito,
            c.ReservaPresupuestoRechazada: handlers.when_reserva_presupuesto_rechazada_cancelar,
            c.PresupuestoLiberado: handlers.when_presupuesto_liberado_registrar_compensacion,
        },
        "influencer": {
            c.InfluencersAsignados: handlers.when_influencers_asignados_registrar_exito,
            c.AsignacionInfluencersRechazada: (
                handlers.when_asignacion_influencers_rechazada_cancelar
            ),
            c.InfluencersLiberados: handlers.when_influencers_liberados_registrar_compensacion,
        },
        "tracking": {
            c.TrackingHabilitado: handlers.when_tracking_habilitado_registrar_exito,
            c.HabilitacionTrackingRechazada: (
                handlers.when_habilitacion_tracking_rechazada_cancelar
            ),
            c.TrackingDeshabilitado: handlers.when_tracking_deshabilitado_registrar_compensacion,
        },
    }


def wire(broker: PulsarBroker, db: Database, settings: Settings) -> None:
    for context, table in reactions().items():
        subscribe(
            broker,
            db,
            topic=c.topic(context, settings.topic_namespace),
            subscription=SUBSCRIPTION,
            reactions=table,
            settings=settings,
        )
