"""tracking's unit of work on PostgreSQL, for the saga's reactions (ingestion works outside it):
its tables, its repository on the transaction's session, and the translation of its domain events
into integration events for the outbox."""

from __future__ import annotations

from alpes.db import UnitOfWork, repository
from tracking_svc.adapters import orm, translators
from tracking_svc.adapters.repository import CampanaTrackingRepository


class SqlTrackingUnitOfWork(UnitOfWork):
    metadata = orm.metadata
    translate = translators.a_contrato
    campanas = repository(CampanaTrackingRepository)
