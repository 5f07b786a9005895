"""afiliaciones' unit of work on PostgreSQL: its campaign repository on the transaction's session,
and the translation of the campaigns' domain events into integration events for the outbox."""

from __future__ import annotations

from afiliaciones_svc.adapters import translators
from afiliaciones_svc.adapters.repository import CampanaRepository
from alpes.db import UnitOfWork, repository


class SqlAfiliacionesUnitOfWork(UnitOfWork):
    translate = translators.a_contrato
    campanas = repository(CampanaRepository)
