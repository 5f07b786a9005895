"""An in-memory unit of work for the use cases' unit tests (cosmicpython's fake pattern).

``FakeRepository`` keeps copies of what is saved, so a test sees what a use case stored, not
the objects it still holds; ``FakeUnitOfWork.commit`` takes the collected domain events, as
the real one does when its transaction commits, into ``published``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from alpes.seedwork import UnitOfWork

A = TypeVar("A", bound=Any)


class FakeUnitOfWork(UnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.published: list[Any] = []

    def commit(self) -> list[Any]:
        """The domain events this work publishes (and remembers in ``published``)."""
        events = self.collected_events()
        self.published.extend(events)
        return events


class FakeRepository(Generic[A]):
    """Aggregates by id; ``lock``/``get`` answer a copy, ``save`` stores one."""

    def __init__(self, uow: UnitOfWork, key: Callable[[A], str]) -> None:
        self.rows: dict[str, A] = {}
        self._key = key
        self._collect = uow.collect

    async def get(self, id_: str) -> A | None:
        row = self.rows.get(id_)
        return None if row is None else copy.deepcopy(row)

    lock = get

    async def add_if_missing(self, aggregate: A) -> bool:
        if self._key(aggregate) in self.rows:
            return False
        await self.save(aggregate)
        return True

    async def add(self, aggregate: A) -> None:
        await self.save(aggregate)

    async def save(self, aggregate: A) -> None:
        stored = copy.deepcopy(aggregate)
        stored.eventos.clear()
        self.rows[self._key(aggregate)] = stored
        self._collect(aggregate)


class FakePasos(FakeRepository[A]):
    """A saga participant's steps (``alpes.ports.Pasos``), by campaign."""

    def __init__(self, uow: UnitOfWork) -> None:
        super().__init__(uow, lambda paso: paso.id_campana)
