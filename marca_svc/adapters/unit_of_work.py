"""marca's unit of work on PostgreSQL: its repositories on the transaction's session, and the
translation of its domain events into integration events for the outbox."""

from __future__ import annotations

from typing import TYPE_CHECKING

from alpes.db import UnitOfWork
from marca_svc.adapters import translators
from marca_svc.adapters.repository import MarcaRepository, ReservaRepository

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from alpes.db import Cause, Database


class SqlMarcaUnitOfWork(UnitOfWork):
    translate = translators.a_contrato

    def __init__(self, session: AsyncSession, db: Database, *, cause: Cause | None = None) -> None:
        super().__init__(session, db, cause=cause)
        self.marcas = MarcaRepository(session, self.collect)
        self.reservas = ReservaRepository(session, self.collect)
