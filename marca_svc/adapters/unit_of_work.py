"""marca's unit of work on PostgreSQL: its tables, its repositories on the transaction's
session, and the translation of its domain events into integration events for the outbox."""

from __future__ import annotations

from alpes.db import UnitOfWork, repository
from marca_svc.adapters import orm, translators
from marca_svc.adapters.repository import MarcaRepository, ReservaRepository


class SqlMarcaUnitOfWork(UnitOfWork):
    metadata = orm.metadata
    translate = translators.a_contrato
    marcas = repository(MarcaRepository)
    reservas = repository(ReservaRepository)
