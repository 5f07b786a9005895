"""What influencer reacts to, by topic: the campaign's life, and the other participants' failures.

Each reaction (``when_<event>_<action>``) translates the incoming event into a command and runs
its use case in the unit of work the messaging layer opened for the message (with its inbox row).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING

import contracts as c
from alpes.messaging import Reaction
from influencer_svc.adapters import translators
from influencer_svc.application import handlers

if TYPE_CHECKING:
    from alpes.messaging import Handler
    from alpes.settings import Settings
    from influencer_svc.application.ports import InfluencerUnitOfWork


Reactions = Mapping[type[c.IntegrationEvent], "Reaction | Handler"]


def reactions(settings: Settings) -> dict[c.Context, Reactions]:
    """The reactions by publishing context."""
    asignar = functools.partial(
        when_campana_creada_asignar, max_campanas=settings.influencer_max_campanas
    )
    return {
        "afiliaciones": {
            c.CampanaCreada: Reaction(asignar, when_campana_creada_falla_rechazar),
            c.CampanaCancelada: when_campana_cancelada_liberar,
            c.CampanaFinalizada: when_campana_finalizada_liberar,
        },
        "marca": {c.ReservaPresupuestoRechazada: when_campana_cancelada_liberar},
        "tracking": {c.HabilitacionTrackingRechazada: when_campana_cancelada_liberar},
    }


async def when_campana_creada_asignar(
    event: c.CampanaCreada, uow: InfluencerUnitOfWork, *, max_campanas: int
) -> None:
    await handlers.asignar_influencers(translators.asignar(event, max_campanas), uow)


async def when_campana_creada_falla_rechazar(
    event: c.CampanaCreada, error: BaseException, uow: InfluencerUnitOfWork
) -> None:
    """The retries are spent: publish the technical rejection (docs/saga.md)."""
    await handlers.rechazar_por_fallo_tecnico(
        translators.rechazar_por_fallo_tecnico(event, error), uow
    )


async def when_campana_cancelada_liberar(
    event: c.CampanaCancelada | c.ReservaPresupuestoRechazada | c.HabilitacionTrackingRechazada,
    uow: InfluencerUnitOfWork,
) -> None:
    """A cancellation, or another participant's failure: compensate, or leave a tombstone."""
    await handlers.liberar_influencers(translators.liberar(event), uow)


async def when_campana_finalizada_liberar(
    event: c.CampanaFinalizada, uow: InfluencerUnitOfWork
) -> None:
    await handlers.finalizar_asignacion(translators.finalizar(event), uow)
