"""tracking's unit of work on PostgreSQL (the saga's reactions only; ingestion works outside
it): its repository on the transaction's session, and the translation of its domain events
into integration events for the outbox."""

from __future__ import annotations

from typing import TYPE_CHECKING

from alpes.db import UnitOfWork
from tracking_svc.adapters import translators
from tracking_svc.adapters.repository import CampanaTrackingRepository

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from alpes.db import Cause, Database


class SqlTrackingUnitOfWork(UnitOfWork):
    translate = translators.a_contrato

    def __init__(self, session: AsyncSession, db: Database, *, cause: Cause | None = None) -> None:
        super().__init__(session, db, cause=cause)
        self.campanas = CampanaTrackingRepository(session, self.collect)
