"""afiliaciones' unit of work on PostgreSQL: its campaign repository on the transaction's session,
and the translation of the campaigns' domain events into integration events for the outbox."""

from __future__ import annotations

from typing import TYPE_CHECKING

from afiliaciones_svc.adapters import translators
from afiliaciones_svc.adapters.repository import CampanaRepository
from alpes.db import UnitOfWork

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from alpes.db import Cause, Database


class SqlAfiliacionesUnitOfWork(UnitOfWork):
    translate = translators.a_contrato

    def __init__(self, session: AsyncSession, db: Database, *, cause: Cause | None = None) -> None:
        super().__init__(session, db, cause=cause)
        self.campanas = CampanaRepository(session, self.collect)
