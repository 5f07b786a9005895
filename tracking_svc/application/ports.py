"""What tracking's use cases need from the outside world, as protocols: the adapters implement
them on PostgreSQL (``adapters.repository``, ``adapters.unit_of_work``), the unit tests with
dictionaries.

Two paths, two ports:

- The saga's reactions work in a :class:`TrackingUnitOfWork` (one transaction with the
  message's inbox row): ``campanas.save`` stores the campaign's tracking and hands it to the
  unit of work, which puts its pending domain events in the outbox on commit.
- Ingestion, the hot path, works outside any unit of work (no outbox, no inbox; see
  docs/adr/0005-tracking-ingestion-group-commit.md) on an :class:`EventosTracking` that
  :data:`AbrirEventos` opens: a plain read, then one atomic write. It publishes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from alpes.ports import Pasos
from tracking_svc.domain import CampanaTracking, Incremento

# --- the saga ---


CampanasTracking = Pasos[CampanaTracking]
"""The campaigns' tracking (a tombstone for a cancellation that came first)."""


class TrackingUnitOfWork(Protocol):
    """One transaction over tracking's aggregate."""

    @property
    def campanas(self) -> CampanasTracking: ...


# --- ingestion ---


@dataclass(frozen=True, kw_only=True)
class EventoNuevo:
    """A tracking event accepted by the domain, as it is stored."""

    id: UUID
    id_campana: str
    tipo_evento: str
    datos: Mapping[str, Any]
    codigo: str | None
    fecha_evento: datetime


@dataclass(frozen=True, kw_only=True)
class EventosNuevos:
    """What one write of ingestion stores: ``eventos`` (distinct ids) and their ``incrementos``
    (one per event, same order; the units follow from each event's type).

    With ``ids_del_cliente`` some ids are the clients' ``id_evento``, which may be stored
    already; without it every id was generated here (``uuid4``) and none can be."""

    eventos: Sequence[EventoNuevo]
    incrementos: Sequence[Incremento]
    ids_del_cliente: bool = True


class EventosTracking(Protocol):
    """The event log and the counters, for ingestion."""

    async def aceptacion(
        self, ids: Collection[str], codigos: Collection[str]
    ) -> Mapping[str, CampanaTracking]:
        """The campaigns among ``ids`` with, of their codes, only those among ``codigos``:
        enough to decide whether events with those codes count. A plain read, no lock."""

    async def eventos(self, ids: Collection[UUID]) -> dict[UUID, EventoNuevo]:
        """The stored events among ``ids``, by id (a new dict, the caller's to extend)."""

    async def add(self, nuevos: EventosNuevos) -> set[UUID]:
        """Store those of ``nuevos`` whose id is not stored yet and add their increments, all of
        it or nothing, atomically. The ids really inserted; the others were stored already and
        count nothing."""


AbrirEventos = Callable[[], AbstractAsyncContextManager[EventosTracking]]
"""Opens ingestion's storage for one batch (the entry point passes it in)."""
