"""What afiliaciones reacts to: every participant's outcome, on that participant's topic.

The reaction translates the incoming event into a command and runs its use case in the unit of
work the messaging layer opened for the message (with its inbox row).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import contracts as c
from afiliaciones_svc.adapters import translators
from afiliaciones_svc.application import handlers
from alpes.messaging import reaction

if TYPE_CHECKING:
    from alpes.messaging import Handler
    from alpes.settings import Settings


def reactions(settings: Settings) -> dict[c.Context, dict[type[c.IntegrationEvent], Handler]]:
    """Every outcome event, by the context that publishes it, recorded by one reaction."""
    tables: dict[c.Context, dict[type[c.IntegrationEvent], Handler]] = defaultdict(dict)
    for event_type in translators.RESULTADOS:
        tables[event_type.context][event_type] = when_participante_responde_registrar
    return dict(tables)


when_participante_responde_registrar = reaction(
    translators.resultado_de, handlers.registrar_resultado
)
"""A success, failure or compensation of marca, influencer or tracking (the events are listed
in ``translators.RESULTADOS``): recorded in the campaign's saga."""
