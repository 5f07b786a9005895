"""What every service's repositories share: SQLAlchemy Core on one transaction's session.

A repository hands every aggregate it stores to its unit of work (``collect``), which publishes
the aggregate's pending domain events when the work commits (docs/adr/0009); outside a unit of
work nothing collects.

Optimistic locking, a safety net behind the row and campaign locks: a repository remembers the
``version`` (:func:`version_column`) of every row it read (``versions``); storing an aggregate it read writes the row only
if the aggregate's version moved, and only while the row still has the version read, else
:class:`~alpes.seedwork.ConcurrencyConflict` (a 409 in HTTP, transient for messages).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import (
    Column,
    Insert,
    Integer,
    RowMapping,
    Select,
    Table,
    Update,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from .seedwork import Aggregate, ConcurrencyConflict

Collect = Callable[[Aggregate], None]
"""The unit of work's ``collect``: the aggregate's pending events are published on commit."""

CAMPAIGN_LOCKS = 0x63616D70  # "camp": the advisory-lock key space of campaign locks


def ignore(aggregate: Aggregate) -> None:
    """Outside a unit of work nothing publishes what is stored."""


class Repository:
    """A repository of one transaction: its session, its unit of work's ``collect``, and the
    version of every row it read."""

    def __init__(self, session: AsyncSession, collect: Collect = ignore) -> None:
        self.session = session
        self.collect = collect
        self.versions: dict[str, int] = {}
        """The version of each row this repository read or wrote, by primary key."""

    async def lock_campaign(self, id_campana: str) -> None:
        """Hold the campaign's lock until the transaction ends (a transaction advisory lock):
        every other transaction that takes it waits, even while the campaign has no row yet."""
        await self.session.execute(_LOCK_CAMPAIGN, {"id_campana": id_campana})

    async def read(self, table: Table, key: str, *, for_update: bool = False) -> RowMapping | None:
        """The row of ``key`` (None if there is none), remembering its version; with
        ``for_update`` the row stays locked until the transaction ends."""
        query = _row_query(table, for_update=for_update)
        row: RowMapping | None = (
            (await self.session.execute(query, {"key": key})).mappings().first()
        )
        if row is not None:
            self.versions[key] = row["version"]
        return row

    async def store(
        self,
        table: Table,
        key: str,
        values: Mapping[str, Any],
        *,
        version: int,
        conflict: str | None = None,
    ) -> None:
        """Insert the row of ``key`` (``values`` at ``version``) if this repository has not read
        it; else :meth:`update` it, if the version moved."""
        read = self.versions.get(key)
        if read is None:
            row = {primary_key(table).name: key, **values, "version": version}
            await self.session.execute(_insert(table), row)
            self.versions[key] = version
        elif read != version:
            await self.update(table, key, values, read=read, version=version, conflict=conflict)

    async def update(
        self,
        table: Table,
        key: str,
        values: Mapping[str, Any],
        *,
        read: int,
        version: int,
        conflict: str | None = None,
    ) -> None:
        """Write ``values`` and ``version`` to the row of ``key`` if it still has the version
        ``read``; if another transaction changed it meanwhile, ``ConcurrencyConflict`` with the
        message ``conflict``."""
        result = await self.session.execute(
            _versioned_update(table), {"_key": key, "_read": read, **values, "version": version}
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise ConcurrencyConflict(conflict or f"{table.name}: la fila cambio desde que se leyo")
        self.versions[key] = version


# The statements are built once per table: building one costs more Python than its round trip.

_LOCK_CAMPAIGN = select(
    func.pg_advisory_xact_lock(CAMPAIGN_LOCKS, func.hashtext(bindparam("id_campana")))
)


@functools.cache
def _row_query(table: Table, *, for_update: bool) -> Select[Any]:
    query = select(table).where(primary_key(table) == bindparam("key"))
    return query.with_for_update() if for_update else query


@functools.cache
def _insert(table: Table) -> Insert:
    return insert(table)


@functools.cache
def _versioned_update(table: Table) -> Update:
    """The row's update if it still has the version read: the values come as parameters."""
    return update(table).where(
        primary_key(table) == bindparam("_key"), table.c.version == bindparam("_read")
    )


def version_column() -> Column[int]:
    """The ``version`` column of an aggregate's table: what a :class:`Repository` checks and
    moves (optimistic locking)."""
    return Column("version", Integer, nullable=False)


def primary_key(table: Table) -> Column[Any]:
    """The one column of ``table``'s primary key."""
    (column,) = table.primary_key.columns
    return column
