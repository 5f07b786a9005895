"""tracking's unit of work on PostgreSQL (the saga's reactions only; ingestion works outside
it): its repository on the transaction's session, and the translation of its domain events
into integration events for the outbox."""

from __future__ import annotations

from alpes.db import UnitOfWork, repository
from tracking_svc.adapters import translators
from tracking_svc.adapters.repository import CampanaTrackingRepository


class SqlTrackingUnitOfWork(UnitOfWork):
    translate = translators.a_contrato
    campanas = repository(CampanaTrackingRepository)
