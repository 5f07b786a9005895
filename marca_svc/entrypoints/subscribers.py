"""What marca reacts to: the campaign's lifecycle, and the other participants' failures."""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING

import contracts as c
from alpes.messaging import Reaction
from marca_svc.application import handlers

if TYPE_CHECKING:
    from alpes.messaging import Handler
    from alpes.settings import Settings


def reactions(
    settings: Settings,
) -> dict[c.Context, dict[type[c.IntegrationEvent], Reaction | Handler]]:
    """The reactions by publishing context."""
    credito_inicial = Decimal(str(settings.marca_credito_inicial))
    return {
        "afiliaciones": {
            c.CampanaCreada: Reaction(
                partial(handlers.when_campana_creada_reservar, credito_inicial=credito_inicial),
                on_exhausted=handlers.when_campana_creada_agotada_rechazar,
            ),
            c.CampanaCancelada: handlers.when_campana_cancelada_liberar,
            c.CampanaFinalizada: handlers.when_campana_finalizada_consumir,
        },
        "influencer": {
            c.AsignacionInfluencersRechazada: handlers.when_asignacion_influencers_rechazada_liberar,
        },
        "tracking": {
            c.HabilitacionTrackingRechazada: handlers.when_habilitacion_tracking_rechazada_liberar,
        },
    }
