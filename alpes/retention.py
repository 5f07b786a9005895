"""Retention: the background job that prunes what a service keeps only for a while.

Every ``retention_check_seconds`` it deletes, in bounded batches (one short transaction
each), the rows older than their horizon (docs/reliability.md, "Retention"):

- processed inbox rows, after ``inbox_retention_days``;
- HTTP idempotency keys (``idempotency_keys``), after ``idempotency_retention_hours``;
- the service's own tombstones (a cancellation recorded before its ``CampanaCreada``), after
  the inbox horizon: a service names them with :class:`Pruning` in ``assemble(retention=...)``
  (a participant's table of campaigns has :func:`tombstone_time` and
  :meth:`Pruning.tombstones`).

The horizons are measured on the database's clock (the rows' timestamps are its ``now()``).
Several replicas may prune at once: they only delete the same old rows.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Column,
    ColumnElement,
    DateTime,
    Index,
    Table,
    delete,
    func,
    select,
    text,
    tuple_,
)

from .failures import one_line

if TYPE_CHECKING:
    from .db import Database
    from .settings import Settings

logger = logging.getLogger("alpes.retention")

BATCH = 1000
"""Rows deleted per transaction."""

TOMBSTONE = "cancelada_antes"
"""The ``estado`` of a tombstone: a cancellation recorded before its ``CampanaCreada``."""


def inbox_horizon(settings: Settings) -> timedelta:
    return timedelta(days=settings.inbox_retention_days)


def idempotency_horizon(settings: Settings) -> timedelta:
    return timedelta(hours=settings.idempotency_retention_hours)


@dataclass(frozen=True, eq=False)
class Pruning:
    """Rows of ``created``'s table whose ``created`` is older than ``horizon(settings)`` and
    that match every ``where`` clause. By default the horizon is the inbox's: the right one
    for tombstones, which must outlive any redelivery or replay of the events they stop.

    ``Pruning(reservas.c.creado_en, where=(reservas.c.estado == "cancelada_antes",))``
    """

    created: ColumnElement[Any]
    where: tuple[ColumnElement[bool], ...] = ()
    horizon: Callable[[Settings], timedelta] = field(default=inbox_horizon)

    @classmethod
    def tombstones(cls, table: Table) -> Pruning:
        """The tombstones of a participant's table of campaigns (see :func:`tombstone_time`)."""
        return cls(table.c.creado_en, where=(table.c.estado == TOMBSTONE,))

    @property
    def table(self) -> Table:
        table = self.created.table
        assert isinstance(table, Table)
        return table

    def statement(self, settings: Settings, limit: int) -> Any:
        """``DELETE`` at most ``limit`` of the expired rows (chosen by primary key)."""
        table = self.table
        key = list(table.primary_key.columns)
        expired = (
            select(*key)
            .where(self.created < func.now() - self.horizon(settings), *self.where)
            .limit(limit)
            .correlate(None)  # the subquery reads the table itself, not the DELETE's row
        )
        return delete(table).where(tuple_(*key).in_(expired))


def tombstone_time(table: str) -> tuple[Column[Any], Index]:
    """The creation time and the index of the tombstones of ``table``, a participant's table of
    campaigns with an ``estado`` (``alpes.migrations.add_tombstone_time`` adds them)."""
    return (
        Column("creado_en", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Index(f"ix_{table}_lapidas", "creado_en", postgresql_where=text(f"estado = '{TOMBSTONE}'")),
    )


def standard_prunings(db: Database) -> list[Pruning]:
    """What every service prunes: processed inbox rows and HTTP idempotency keys."""
    return [
        Pruning(db.inbox.c.processed_at),
        Pruning(db.idempotency.c.created_at, horizon=idempotency_horizon),
    ]


async def prune(
    db: Database, settings: Settings, prunings: Sequence[Pruning], *, batch: int = BATCH
) -> dict[str, int]:
    """Run every pruning to the end, ``batch`` rows per transaction; rows deleted by table."""
    deleted: dict[str, int] = {}
    for pruning in prunings:
        statement = pruning.statement(settings, batch)
        while True:
            async with db.sessions() as session, session.begin():
                count = (await session.execute(statement)).rowcount  # type: ignore[attr-defined]
            if count:
                deleted[pruning.table.name] = deleted.get(pruning.table.name, 0) + count
            if count < batch:
                break
    return deleted


def retention_job(
    db: Database, settings: Settings, tombstones: Sequence[Pruning] = (), *, batch: int = BATCH
) -> Callable[[], Awaitable[None]]:
    """A coroutine function that runs forever: prunes the inbox, the idempotency keys and
    ``tombstones`` now, then every ``retention_check_seconds``. A failure (the database
    away) is one WARNING line; the next round tries again."""
    prunings = [*standard_prunings(db), *tombstones]

    async def retain() -> None:
        while True:
            try:
                deleted = await prune(db, settings, prunings, batch=batch)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                logger.warning(
                    "retention: pruning failed: %s; next round in %.0f s",
                    one_line(exc),
                    settings.retention_check_seconds,
                )
            else:
                if deleted:
                    logger.info(
                        "retention: pruned %s",
                        ", ".join(f"{n} from {table}" for table, n in sorted(deleted.items())),
                    )
            await asyncio.sleep(settings.retention_check_seconds)

    return retain
