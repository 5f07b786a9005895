"""influencer's unit of work on PostgreSQL: its repositories on the transaction's session, and
the translation of its domain events into integration events for the outbox."""

from __future__ import annotations

from typing import TYPE_CHECKING

from alpes.db import UnitOfWork
from influencer_svc.adapters import translators
from influencer_svc.adapters.repository import AsignacionRepository, InfluencerRepository

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from alpes.db import Cause, Database


class SqlInfluencerUnitOfWork(UnitOfWork):
    translate = translators.a_contrato

    def __init__(self, session: AsyncSession, db: Database, *, cause: Cause | None = None) -> None:
        super().__init__(session, db, cause=cause)
        self.influencers = InfluencerRepository(session, self.collect)
        self.asignaciones = AsignacionRepository(session, self.collect)
