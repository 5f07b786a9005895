"""The read side of marca: plain SQL queries returning the shapes the HTTP API serves
(no aggregate, no unit of work: an adapter the entry points call directly)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from marca_svc.adapters.orm import marcas, reservas
from marca_svc.application.errors import MarcaNoEncontrada
from marca_svc.domain import Marca


def vista_marca(marca: Marca | Any) -> dict[str, Any]:
    """A brand as the API shows it (from the aggregate or from a row)."""
    total, reservado = marca.presupuesto_total, marca.presupuesto_reservado
    return {
        "id_marca": marca.id_marca,
        "nombre": marca.nombre,
        "presupuesto_total": float(total),
        "presupuesto_reservado": float(reservado),
        "presupuesto_disponible": float(total - reservado),
        "activa": marca.activa,
    }


async def obtener_marca(session: AsyncSession, id_marca: str) -> dict[str, Any]:
    row = (await session.execute(select(marcas).where(marcas.c.id_marca == id_marca))).first()
    if row is None:
        raise MarcaNoEncontrada(id_marca)
    return vista_marca(row)


async def listar_marcas(
    session: AsyncSession, *, activa: bool | None, limit: int, offset: int
) -> dict[str, Any]:
    """Brands by name; ``total`` counts every match."""
    filtro = [] if activa is None else [marcas.c.activa == activa]
    query = (
        select(marcas)
        .where(*filtro)
        .order_by(marcas.c.nombre, marcas.c.id_marca)
        .limit(limit)
        .offset(offset)
    )
    rows = (await session.execute(query)).all()
    total = (
        await session.execute(select(func.count()).select_from(marcas).where(*filtro))
    ).scalar()
    return {"marcas": [vista_marca(row) for row in rows], "total": total or 0}


async def campanas_de_marca(
    session: AsyncSession, id_marca: str, *, limit: int, offset: int
) -> dict[str, Any]:
    """The brand's campaign projection: what marca did for each of its campaigns."""
    await obtener_marca(session, id_marca)
    de_la_marca = reservas.c.id_marca == id_marca
    query = (
        select(reservas.c.id_campana, reservas.c.monto, reservas.c.estado, reservas.c.motivo)
        .where(de_la_marca)
        .order_by(reservas.c.id_campana)
        .limit(limit)
        .offset(offset)
    )
    rows = (await session.execute(query)).all()
    total = (
        await session.execute(select(func.count()).select_from(reservas).where(de_la_marca))
    ).scalar()
    campanas = [
        {
            "id_campana": r.id_campana,
            "monto": float(r.monto),
            "estado": r.estado,
            "motivo": r.motivo,
        }
        for r in rows
    ]
    return {"campanas": campanas, "total": total or 0}
