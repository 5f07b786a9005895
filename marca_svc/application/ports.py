"""What marca's use cases need from the outside world, as protocols: the adapters implement
them on PostgreSQL (``adapters.unit_of_work``), the unit tests with dictionaries.

A repository's ``save`` stores an aggregate (insert if it did not load it, update if it did)
and hands it to the unit of work, which publishes its pending domain events on commit.
"""

from __future__ import annotations

from typing import Protocol

from alpes.ports import Pasos
from marca_svc.domain import Marca, ReservaPresupuesto

Reservas = Pasos[ReservaPresupuesto]
"""The campaigns' reservations (a tombstone for a cancellation that came first)."""


class Marcas(Protocol):
    async def lock(self, id_marca: str) -> Marca | None:
        """The brand, locked until the work ends; None if unknown."""

    async def add_if_missing(self, marca: Marca) -> bool:
        """Store a new brand; False (nothing stored) when its id exists already."""

    async def save(self, marca: Marca) -> None: ...


class MarcaUnitOfWork(Protocol):
    """One transaction over marca's aggregates."""

    @property
    def marcas(self) -> Marcas: ...
    @property
    def reservas(self) -> Reservas: ...
