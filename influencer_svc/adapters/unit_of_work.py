"""influencer's unit of work on PostgreSQL: its tables, its repositories on the transaction's
session, and the translation of its domain events into integration events for the outbox."""

from __future__ import annotations

from alpes.db import UnitOfWork, repository
from influencer_svc.adapters import orm, translators
from influencer_svc.adapters.repository import AsignacionRepository, InfluencerRepository


class SqlInfluencerUnitOfWork(UnitOfWork):
    metadata = orm.metadata
    translate = translators.a_contrato
    influencers = repository(InfluencerRepository)
    asignaciones = repository(AsignacionRepository)
