"""The read side: plain SQL queries returning small views (dicts), no aggregates, no locks, no
unit of work: an adapter the entry points call directly."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, func, select

from influencer_svc.adapters.orm import asignaciones, influencers

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from influencer_svc.domain import Influencer

COLUMNAS = (
    influencers.c.id_influencer,
    influencers.c.nombre,
    influencers.c.plataforma,
    influencers.c.seguidores,
    influencers.c.categoria,
    influencers.c.activo,
    influencers.c.campanas_activas,
)


def vista(influencer: Influencer) -> dict[str, Any]:
    """The view of an aggregate the command side just saved."""
    return {columna.name: getattr(influencer, columna.name) for columna in COLUMNAS}


async def influencer(session: AsyncSession, id_influencer: str) -> dict[str, Any] | None:
    row = (
        await session.execute(select(*COLUMNAS).where(influencers.c.id_influencer == id_influencer))
    ).first()
    return dict(row._mapping) if row is not None else None


def _contiene(texto: str) -> str:
    escapado = texto.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escapado}%"


async def influencers_filtrados(
    session: AsyncSession, *, nombre: str | None, plataforma: str | None, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """Influencers whose nombre contains ``nombre`` and whose plataforma is ``plataforma``
    (both case-insensitive), by nombre; and how many there are in all."""
    condiciones: list[ColumnElement[bool]] = []
    if nombre:
        condiciones.append(influencers.c.nombre.ilike(_contiene(nombre), escape="\\"))
    if plataforma:
        condiciones.append(func.lower(influencers.c.plataforma) == plataforma.strip().lower())
    pagina = (
        select(*COLUMNAS)
        .where(*condiciones)
        .order_by(influencers.c.nombre, influencers.c.id_influencer)
        .limit(limit)
        .offset(offset)
    )
    total = select(func.count()).select_from(influencers).where(*condiciones)
    rows = (await session.execute(pagina)).all()
    return [dict(row._mapping) for row in rows], (await session.execute(total)).scalar_one()


async def campanas_de(
    session: AsyncSession, id_influencer: str, *, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """The campaigns that assigned the influencer (any state since), by id; and the total."""
    condicion = asignaciones.c.ids_influencer.contains([id_influencer])
    pagina = (
        select(asignaciones.c.id_campana, asignaciones.c.estado)
        .where(condicion)
        .order_by(asignaciones.c.id_campana)
        .limit(limit)
        .offset(offset)
    )
    total = select(func.count()).select_from(asignaciones).where(condicion)
    rows = (await session.execute(pagina)).all()
    return [dict(row._mapping) for row in rows], (await session.execute(total)).scalar_one()
