"""What marca reacts to: the campaign's lifecycle, and the other participants' failures.

Each reaction (``when_<event>_<action>``) translates the incoming event into a command and runs
its use case in the unit of work the messaging layer opened for the message (with its inbox row).
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING

import contracts as c
from alpes.messaging import Reaction
from marca_svc.adapters import translators
from marca_svc.application import handlers

if TYPE_CHECKING:
    from alpes.messaging import Handler
    from alpes.settings import Settings
    from marca_svc.application.ports import MarcaUnitOfWork


def reactions(
    settings: Settings,
) -> dict[c.Context, dict[type[c.IntegrationEvent], Reaction | Handler]]:
    """The reactions by publishing context."""
    credito_inicial = Decimal(str(settings.marca_credito_inicial))
    return {
        "afiliaciones": {
            c.CampanaCreada: Reaction(
                partial(when_campana_creada_reservar, credito_inicial=credito_inicial),
                on_exhausted=when_campana_creada_agotada_rechazar,
            ),
            c.CampanaCancelada: when_otro_falla_liberar,
            c.CampanaFinalizada: when_campana_finalizada_consumir,
        },
        "influencer": {c.AsignacionInfluencersRechazada: when_otro_falla_liberar},
        "tracking": {c.HabilitacionTrackingRechazada: when_otro_falla_liberar},
    }


async def when_campana_creada_reservar(
    event: c.CampanaCreada, uow: MarcaUnitOfWork, *, credito_inicial: Decimal
) -> None:
    await handlers.reservar_presupuesto(translators.reservar(event, credito_inicial), uow)


async def when_campana_creada_agotada_rechazar(
    event: c.CampanaCreada, error: BaseException, uow: MarcaUnitOfWork
) -> None:
    """The reservation failed on every attempt: publish the technical failure (docs/saga.md)."""
    await handlers.rechazar_por_fallo_tecnico(
        translators.rechazar_por_fallo_tecnico(event, error), uow
    )


async def when_otro_falla_liberar(
    event: c.CampanaCancelada | c.AsignacionInfluencersRechazada | c.HabilitacionTrackingRechazada,
    uow: MarcaUnitOfWork,
) -> None:
    """A cancellation, or another participant's failure: the budget goes back."""
    await handlers.liberar_presupuesto(translators.liberar(event), uow)


async def when_campana_finalizada_consumir(
    event: c.CampanaFinalizada, uow: MarcaUnitOfWork
) -> None:
    await handlers.consumir_presupuesto(translators.consumir(event), uow)
