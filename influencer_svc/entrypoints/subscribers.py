"""What influencer reacts to, by topic: the campaign's life, and the other participants' failures."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING

import contracts as c
from alpes.messaging import Reaction
from influencer_svc.application import handlers

if TYPE_CHECKING:
    from alpes.messaging import Handler
    from alpes.settings import Settings


Reactions = Mapping[type[c.IntegrationEvent], "Reaction | Handler"]


def reactions(settings: Settings) -> dict[c.Context, Reactions]:
    """The reactions by publishing context."""
    asignar = functools.partial(
        handlers.when_campana_creada_asignar, max_campanas=settings.influencer_max_campanas
    )
    return {
        "afiliaciones": {
            c.CampanaCreada: Reaction(asignar, handlers.when_campana_creada_falla_rechazar),
            c.CampanaCancelada: handlers.when_campana_cancelada_liberar,
            c.CampanaFinalizada: handlers.when_campana_finalizada_liberar,
        },
        "marca": {c.ReservaPresupuestoRechazada: handlers.when_campana_cancelada_liberar},
        "tracking": {c.HabilitacionTrackingRechazada: handlers.when_campana_cancelada_liberar},
    }
