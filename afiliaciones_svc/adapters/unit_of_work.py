"""afiliaciones's unit of work on PostgreSQL: its tables, its repositories on the transaction's
session, and the translation of its domain events into integration events for the outbox."""

from __future__ import annotations

from afiliaciones_svc.adapters import orm, translators
from afiliaciones_svc.adapters.repository import CampanaRepository
from alpes.db import UnitOfWork, repository


class SqlAfiliacionesUnitOfWork(UnitOfWork):
    metadata = orm.metadata
    translate = translators.a_contrato
    campanas = repository(CampanaRepository)
