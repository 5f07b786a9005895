"""The saga's clock: deadlines, and the sweeper of compensations nobody answered.

- A saga still ``creada`` at its deadline is cancelled (origen "plazo").
- A saga still ``compensando`` ``saga_grace_seconds`` after its cancellation has its
  ``CampanaCancelada`` sent again (the same event: participants that handled it drop it) until
  every participant has answered, waiting longer each time (up to
  ``saga_sweep_interval_seconds``). Such sagas count as ``atascadas`` in the statistics.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from afiliaciones_svc.application import handlers

if TYPE_CHECKING:
    from alpes.db import Database
    from alpes.settings import Settings

BATCH = 100


def deadline_job(db: Database, settings: Settings) -> Callable[[], Awaitable[None]]:
    """A coroutine function that runs forever: every ``saga_deadline_check_seconds`` it cancels
    the overdue sagas and re-sends the unanswered cancellations, in batches of ``BATCH`` (one
    transaction each) until none is left."""
    gracia = timedelta(seconds=settings.saga_grace_seconds)
    espera_maxima = timedelta(seconds=settings.saga_sweep_interval_seconds)

    async def vencer_plazos() -> None:
        while True:
            async with db.unit_of_work() as uow:
                vencidas = await handlers.vencer_plazos(uow, datetime.now(UTC), BATCH)
            async with db.unit_of_work() as uow:
                reenviadas = await handlers.reenviar_cancelaciones(
                    uow, datetime.now(UTC), gracia, espera_maxima, BATCH
                )
            if vencidas < BATCH and reenviadas < BATCH:
                await asyncio.sleep(settings.saga_deadline_check_seconds)

    return vencer_plazos
