"""Repositories of the two aggregates, ``Marca`` and ``ReservaPresupuesto`` (SQLAlchemy Core).

Locking (one transaction, always in this order, so concurrent sagas never deadlock):
1. the campaign: ``ReservaRepository.lock`` takes the campaign's lock (a transaction advisory
   lock on its id, ``alpes.repository``) and then the reservation row (``SELECT ... FOR
   UPDATE``); the advisory lock also covers a reservation that does not exist yet, so two
   events of one campaign never both create it;
2. the brand: ``MarcaRepository.lock`` (``SELECT ... FOR UPDATE``).
A brand's budget therefore changes one transaction at a time: it is never over-reserved.

``save`` inserts an aggregate the repository did not load, and updates one it loaded only if
its ``version`` moved, checking that the row still has the version it read (optimistic lock, a
safety net behind the row locks, ``alpes.repository``). It hands the aggregate to the unit of
work (``collect``), which publishes its pending events when the work commits.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as upsert

from alpes.repository import Repository
from alpes.seedwork import ConcurrencyConflict
from marca_svc.adapters.orm import marcas, reservas
from marca_svc.domain import EstadoReserva, Marca, ReservaPresupuesto


class MarcaRepository(Repository):
    async def lock(self, id_marca: str) -> Marca | None:
        """The brand, its row locked until the transaction ends; None if unknown."""
        row = await self.read(marcas, id_marca, for_update=True)
        return None if row is None else Marca(**row)  # its columns are its fields

    async def add_if_missing(self, marca: Marca) -> bool:
        """Insert a new brand; False (and nothing written) when its id exists already.

        Concurrent registrations of one id wait for each other: exactly one inserts.
        """
        result = await self.session.execute(
            upsert(marcas)
            .values(id_marca=marca.id_marca, **_columnas_marca(marca), version=marca.version)
            .on_conflict_do_nothing(index_elements=[marcas.c.id_marca])
            .returning(marcas.c.id_marca)
        )
        if result.first() is None:
            return False
        self.versions[marca.id_marca] = marca.version
        self.collect(marca)
        return True

    async def save(self, marca: Marca) -> None:
        if marca.id_marca not in self.versions:
            if not await self.add_if_missing(marca):
                raise ConcurrencyConflict(f"la marca {marca.id_marca} ya existe")
            return
        await self.store(marcas, marca.id_marca, _columnas_marca(marca), version=marca.version)
        self.collect(marca)


class ReservaRepository(Repository):
    async def lock(self, id_campana: str) -> ReservaPresupuesto | None:
        """The campaign's reservation, locked (even while it does not exist); None if unknown."""
        await self.lock_campaign(id_campana)
        row = await self.read(reservas, id_campana, for_update=True)
        return None if row is None else _reserva(row)

    async def save(self, reserva: ReservaPresupuesto) -> None:
        values = _columnas_reserva(reserva)
        await self.store(reservas, reserva.id_campana, values, version=reserva.version)
        self.collect(reserva)


def _columnas_marca(marca: Marca) -> dict[str, Any]:
    return {
        "nombre": marca.nombre,
        "presupuesto_total": marca.presupuesto_total,
        "presupuesto_reservado": marca.presupuesto_reservado,
        "activa": marca.activa,
    }


def _columnas_reserva(reserva: ReservaPresupuesto) -> dict[str, Any]:
    return {
        "id_marca": reserva.id_marca,
        "monto": reserva.monto,
        "estado": reserva.estado.value,
        "motivo": reserva.motivo,
    }


def _reserva(row: Any) -> ReservaPresupuesto:
    return ReservaPresupuesto(
        id_campana=row["id_campana"],
        id_marca=row["id_marca"],
        monto=row["monto"],
        estado=EstadoReserva(row["estado"]),
        motivo=row["motivo"],
        version=row["version"],
    )
