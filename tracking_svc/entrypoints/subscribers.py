"""What tracking reacts to, by the topic of the context that publishes it.

Each reaction (``when_<event>_<action>``) translates the incoming event into a command and runs
its use case in the unit of work the messaging layer opened for the message (with its inbox row).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from alpes.messaging import fallback, reaction
from alpes.saga import participant_reactions
from tracking_svc.adapters import translators
from tracking_svc.application import handlers

if TYPE_CHECKING:
    from alpes.saga import Reactions
    from alpes.settings import Settings


def reactions(settings: Settings) -> Reactions:
    """The reactions by publishing context (``alpes.saga``): a participant's failure
    compensates like a cancellation; a ``CampanaCreada`` that keeps failing ends in a
    technical rejection."""
    return participant_reactions(
        "tracking",
        created=when_campana_creada_habilitar,
        exhausted=when_campana_creada_agotada_rechazar,
        cancelled=when_campana_cancelada_deshabilitar,
        finished=when_campana_finalizada_cerrar,
    )


when_campana_creada_habilitar = reaction(translators.habilitar, handlers.habilitar_tracking)

when_campana_creada_agotada_rechazar = fallback(
    translators.rechazar_por_fallo_tecnico, handlers.rechazar_por_fallo_tecnico
)
"""Enabling failed on every attempt: publish the technical failure so the saga never
waits (docs/saga.md)."""

when_campana_cancelada_deshabilitar = reaction(
    translators.deshabilitar, handlers.deshabilitar_tracking
)
"""A cancellation, or another participant's failure: compensate (disable the codes)."""

when_campana_finalizada_cerrar = reaction(translators.cerrar, handlers.cerrar_tracking)
