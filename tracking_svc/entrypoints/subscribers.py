"""What tracking reacts to, by the topic of the context that publishes it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import contracts as c
from alpes.messaging import Handler, Reaction
from tracking_svc.application import handlers

if TYPE_CHECKING:
    from alpes.settings import Settings


def reactions(
    settings: Settings,
) -> dict[c.Context, dict[type[c.IntegrationEvent], Reaction | Handler]]:
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
