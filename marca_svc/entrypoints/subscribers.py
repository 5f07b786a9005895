"""What marca reacts to: the campaign's lifecycle, and the other participants' failures.

Each reaction (``when_<event>_<action>``) translates the incoming event into a command and runs
its use case in the unit of work the messaging layer opened for the message (with its inbox row).
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING

from alpes.messaging import fallback, reaction
from alpes.saga import participant_reactions
from marca_svc.adapters import translators
from marca_svc.application import handlers

if TYPE_CHECKING:
    from alpes.saga import Reactions
    from alpes.settings import Settings


def reactions(settings: Settings) -> Reactions:
    """The reactions by publishing context (``alpes.saga``)."""
    credito_inicial = Decimal(str(settings.marca_credito_inicial))
    reservar = partial(translators.reservar, credito_inicial=credito_inicial)
    return participant_reactions(
        "marca",
        created=reaction(reservar, handlers.reservar_presupuesto),
        exhausted=when_campana_creada_agotada_rechazar,
        cancelled=when_otro_falla_liberar,
        finished=when_campana_finalizada_consumir,
    )


when_campana_creada_agotada_rechazar = fallback(
    translators.rechazar_por_fallo_tecnico, handlers.rechazar_por_fallo_tecnico
)
"""The reservation failed on every attempt: publish the technical failure (docs/saga.md)."""

when_otro_falla_liberar = reaction(translators.liberar, handlers.liberar_presupuesto)
"""A cancellation, or another participant's failure: the budget goes back."""

when_campana_finalizada_consumir = reaction(translators.consumir, handlers.consumir_presupuesto)
"""The campaign finished: its reservation stays spent."""
