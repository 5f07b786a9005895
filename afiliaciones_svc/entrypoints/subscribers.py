"""What afiliaciones reacts to: every participant's outcome, on that participant's topic."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import contracts as c
from afiliaciones_svc.adapters.translators import RESULTADOS
from afiliaciones_svc.application import handlers

if TYPE_CHECKING:
    from alpes.messaging import Handler
    from alpes.settings import Settings


def reactions(settings: Settings) -> dict[c.Context, dict[type[c.IntegrationEvent], Handler]]:
    """Every outcome event, by the context that publishes it, recorded by one reaction."""
    tables: dict[c.Context, dict[type[c.IntegrationEvent], Handler]] = defaultdict(dict)
    for event_type in RESULTADOS:
        tables[event_type.context][event_type] = handlers.when_participante_responde_registrar
    return dict(tables)
