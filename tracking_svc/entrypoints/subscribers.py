"""What tracking reacts to, by the topic of the context that publishes it.

Each reaction (``when_<event>_<action>``) translates the incoming event into a command and runs
its use case in the unit of work the messaging layer opened for the message (with its inbox row).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import contracts as c
from alpes.messaging import Handler, Reaction
from tracking_svc.adapters import translators
from tracking_svc.application import handlers

if TYPE_CHECKING:
    from alpes.settings import Settings
    from tracking_svc.application.ports import TrackingUnitOfWork


def reactions(
    settings: Settings,
) -> dict[c.Context, dict[type[c.IntegrationEvent], Reaction | Handler]]:
    """The reactions by publishing context. A participant's failure compensates like a
    cancellation; a ``CampanaCreada`` that keeps failing ends in a technical rejection."""
    return {
        "afiliaciones": {
            c.CampanaCreada: Reaction(
                when_campana_creada_habilitar,
                on_exhausted=when_campana_creada_agotada_rechazar,
            ),
            c.CampanaCancelada: when_campana_cancelada_deshabilitar,
            c.CampanaFinalizada: when_campana_finalizada_cerrar,
        },
        "marca": {c.ReservaPresupuestoRechazada: when_campana_cancelada_deshabilitar},
        "influencer": {c.AsignacionInfluencersRechazada: when_campana_cancelada_deshabilitar},
    }


async def when_campana_creada_habilitar(event: c.CampanaCreada, uow: TrackingUnitOfWork) -> None:
    await handlers.habilitar_tracking(translators.habilitar(event), uow)


async def when_campana_creada_agotada_rechazar(
    event: c.CampanaCreada, error: BaseException, uow: TrackingUnitOfWork
) -> None:
    """Enabling failed on every attempt: publish the technical failure so the saga never
    waits (docs/saga.md)."""
    await handlers.rechazar_por_fallo_tecnico(
        translators.rechazar_por_fallo_tecnico(event, error), uow
    )


async def when_campana_cancelada_deshabilitar(
    event: c.CampanaCancelada | c.ReservaPresupuestoRechazada | c.AsignacionInfluencersRechazada,
    uow: TrackingUnitOfWork,
) -> None:
    """A cancellation, or another participant's failure: compensate (disable the codes)."""
    await handlers.deshabilitar_tracking(translators.deshabilitar(event), uow)


async def when_campana_finalizada_cerrar(
    event: c.CampanaFinalizada, uow: TrackingUnitOfWork
) -> None:
    await handlers.cerrar_tracking(translators.cerrar(event), uow)
