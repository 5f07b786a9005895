"""Repositories of the two aggregates, ``Marca`` and ``ReservaPresupuesto`` (SQLAlchemy Core).

Locking (one transaction, always in this order, so concurrent sagas never deadlock):
1. the campaign: ``ReservaRepository.lock`` takes a transaction advisory lock on the campaign
   id and then the reservation row (``SELECT ... FOR UPDATE``); the advisory lock also covers a
   reservation that does not exist yet, so two events of one campaign never both create it;
2. the brand: ``MarcaRepository.lock`` (``SELECT ... FOR UPDATE``).
A brand's budget therefore changes one transaction at a time: it is never over-reserved.

``save`` inserts an aggregate the repository did not load, and updates one it loaded only if
its ``version`` moved, checking that the row still has the version it read (optimistic lock, a
safety net behind the row locks). It hands the aggregate to the unit of work (``collect``),
which publishes its pending events when the work commits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.ext.asyncio import AsyncSession

from alpes.seedwork import Aggregate, ConcurrencyConflict
from marca_svc.adapters.orm import marcas, reservas
from marca_svc.domain import EstadoReserva, Marca, ReservaPresupuesto

LOCK_SPACE_RESERVAS = 0x6D617263  # "marc": the advisory-lock key space of campaign locks

Collect = Callable[[Aggregate], None]


def _ignore(aggregate: Aggregate) -> None:
    """Outside a unit of work nothing publishes what is stored."""


class MarcaRepository:
    def __init__(self, session: AsyncSession, collect: Collect = _ignore) -> None:
        self.session = session
        self.collect = collect
        self._versiones: dict[str, int] = {}

    async def lock(self, id_marca: str) -> Marca | None:
        """The brand, its row locked until the transaction ends; None if unknown."""
        query = select(marcas).where(marcas.c.id_marca == id_marca).with_for_update()
        row = (await self.session.execute(query)).mappings().first()
        if row is None:
            return None
        self._versiones[row["id_marca"]] = row["version"]
        return _marca(row)

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
        self._versiones[marca.id_marca] = marca.version
        self.collect(marca)
        return True

    async def save(self, marca: Marca) -> None:
        if marca.id_marca not in self._versiones:
            if not await self.add_if_missing(marca):
                raise ConcurrencyConflict(f"la marca {marca.id_marca} ya existe")
            return
        await _actualizar(
            self.session,
            marcas,
            marcas.c.id_marca == marca.id_marca,
            leida=self._versiones[marca.id_marca],
            version=marca.version,
            valores=_columnas_marca(marca),
        )
        self._versiones[marca.id_marca] = marca.version
        self.collect(marca)


class ReservaRepository:
    def __init__(self, session: AsyncSession, collect: Collect = _ignore) -> None:
        self.session = session
        self.collect = collect
        self._versiones: dict[str, int] = {}

    async def lock(self, id_campana: str) -> ReservaPresupuesto | None:
        """The campaign's reservation, locked (even while it does not exist); None if unknown."""
        await self.session.execute(
            select(func.pg_advisory_xact_lock(LOCK_SPACE_RESERVAS, func.hashtext(id_campana)))
        )
        query = select(reservas).where(reservas.c.id_campana == id_campana).with_for_update()
        row = (await self.session.execute(query)).mappings().first()
        if row is None:
            return None
        self._versiones[row["id_campana"]] = row["version"]
        return _reserva(row)

    async def save(self, reserva: ReservaPresupuesto) -> None:
        leida = self._versiones.get(reserva.id_campana)
        if leida is None:
            await self.session.execute(
                insert(reservas).values(
                    id_campana=reserva.id_campana,
                    **_columnas_reserva(reserva),
                    version=reserva.version,
                )
            )
        else:
            await _actualizar(
                self.session,
                reservas,
                reservas.c.id_campana == reserva.id_campana,
                leida=leida,
                version=reserva.version,
                valores=_columnas_reserva(reserva),
            )
        self._versiones[reserva.id_campana] = reserva.version
        self.collect(reserva)


async def _actualizar(
    session: AsyncSession, table: Any, where: Any, *, leida: int, version: int, valores: Any
) -> None:
    if version == leida:
        return  # unchanged
    result = await session.execute(
        update(table).where(where, table.c.version == leida).values(**valores, version=version)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise ConcurrencyConflict(f"{table.name}: la fila cambio desde que se leyo")


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


def _marca(row: Any) -> Marca:
    return Marca(
        id_marca=row["id_marca"],
        nombre=row["nombre"],
        presupuesto_total=row["presupuesto_total"],
        presupuesto_reservado=row["presupuesto_reservado"],
        activa=row["activa"],
        version=row["version"],
    )


def _reserva(row: Any) -> ReservaPresupuesto:
    return ReservaPresupuesto(
        id_campana=row["id_campana"],
        id_marca=row["id_marca"],
        monto=row["monto"],
        estado=EstadoReserva(row["estado"]),
        motivo=row["motivo"],
        version=row["version"],
    )
