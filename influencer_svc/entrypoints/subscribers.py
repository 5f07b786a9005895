"""What influencer reacts to, by topic: the campaign's life, and the other participants' failures.

Each reaction (``when_<event>_<action>``) translates the incoming event into a command and runs
its use case in the unit of work the messaging layer opened for the message (with its inbox row).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from alpes.messaging import fallback, reaction
from alpes.saga import participant_reactions
from influencer_svc.adapters import translators
from influencer_svc.application import handlers

if TYPE_CHECKING:
    from alpes.saga import Reactions
    from alpes.settings import Settings


def reactions(settings: Settings) -> Reactions:
    """The reactions by publishing context (``alpes.saga``)."""
    asignar = partial(translators.asignar, max_campanas=settings.influencer_max_campanas)
    return participant_reactions(
        "influencer",
        created=reaction(asignar, handlers.asignar_influencers),
        exhausted=when_campana_creada_falla_rechazar,
        cancelled=when_campana_cancelada_liberar,
        finished=when_campana_finalizada_liberar,
    )


when_campana_creada_falla_rechazar = fallback(
    translators.rechazar_por_fallo_tecnico, handlers.rechazar_por_fallo_tecnico
)
"""The retries are spent: publish the technical rejection (docs/saga.md)."""

when_campana_cancelada_liberar = reaction(translators.liberar, handlers.liberar_influencers)
"""A cancellation, or another participant's failure: compensate, or leave a tombstone."""

when_campana_finalizada_liberar = reaction(translators.finalizar, handlers.finalizar_asignacion)
