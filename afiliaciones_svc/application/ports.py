"""What afiliaciones' use cases need from the outside world, as protocols: the adapters implement
them on PostgreSQL (``adapters.unit_of_work``), the unit tests with dictionaries.

A repository's ``add``/``save`` stores a campaign, its state and its pending timeline lines, and
hands it to the unit of work, which publishes its pending domain events on commit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from afiliaciones_svc.domain.model import Campana


class Campanas(Protocol):
    async def lock(self, id_campana: str) -> Campana | None:
        """The campaign, locked until the work ends; None if unknown."""

    async def add(self, campana: Campana) -> None:
        """Store a new campaign."""

    async def save(self, campana: Campana) -> None:
        """Store a campaign this work locked; nothing when it has nothing pending (no new
        timeline line, no event): the stored campaign stays as it was."""

    async def vencidas(self, ahora: datetime, limit: int) -> list[Campana]:
        """Up to ``limit`` campaigns still ``creada`` past their deadline at ``ahora``, oldest
        deadline first, locked; those another work holds are skipped."""

    async def sin_compensar(
        self, canceladas_antes_de: datetime, ahora: datetime, limit: int
    ) -> list[Campana]:
        """Up to ``limit`` sagas still ``compensando``, cancelled before
        ``canceladas_antes_de`` and due for another look at ``ahora``, locked; those another
        work holds are skipped."""


class AfiliacionesUnitOfWork(Protocol):
    """One transaction over afiliaciones' campaigns."""

    @property
    def campanas(self) -> Campanas: ...
