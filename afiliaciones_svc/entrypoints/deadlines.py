"""The saga deadline job: cancels the sagas whose participants did not all answer in time."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from afiliaciones_svc.application import handlers

if TYPE_CHECKING:
    from alpes.db import Database
    from alpes.settings import Settings

BATCH = 100


def deadline_job(db: Database, settings: Settings) -> Callable[[], Awaitable[None]]:
    """A coroutine function that runs forever: every ``saga_deadline_check_seconds`` it cancels
    the overdue sagas, in batches of ``BATCH`` (one transaction each) until none is left."""

    async def vencer_plazos() -> None:
        while True:
            async with db.unit_of_work() as uow:
                vencidas = await handlers.vencer_plazos(uow, datetime.now(UTC), BATCH)
            if vencidas < BATCH:
                await asyncio.sleep(settings.saga_deadline_check_seconds)

    return vencer_plazos
