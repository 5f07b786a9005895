"""The read side: plain SQL queries returning small views (dicts), no aggregates, no locks, no
unit of work: an adapter the entry points call directly."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, func, select

from alpes.paging import Keyset, PedidoDePagina, leer_pagina
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


INFLUENCERS = Keyset(
    "influencers", ((influencers.c.nombre, False), (influencers.c.id_influencer, False))
)
"""The influencers' order, by name (the index ``ix_influencers_nombre_id``)."""
CAMPANAS = Keyset("campanas_de_influencer", ((asignaciones.c.id_campana, False),))
"""An influencer's campaigns' order, by id."""


async def influencers_filtrados(
    session: AsyncSession,
    *,
    nombre: str | None,
    plataforma: str | None,
    pedido: PedidoDePagina,
) -> dict[str, Any]:
    """Influencers whose nombre contains ``nombre`` and whose plataforma is ``plataforma``
    (both case-insensitive), by nombre (after ``despues``); with ``total`` and the cursor of
    the next page (``alpes.paging``)."""
    condiciones: list[ColumnElement[bool]] = []
    if nombre:
        condiciones.append(influencers.c.nombre.ilike(_contiene(nombre), escape="\\"))
    if plataforma:
        condiciones.append(func.lower(influencers.c.plataforma) == plataforma.strip().lower())
    filas = select(*COLUMNAS).where(*condiciones)
    pagina = await leer_pagina(session, INFLUENCERS, filas, pedido)
    return {"influencers": [dict(row) for row in pagina.filas], **pagina.resto()}


async def campanas_de(
    session: AsyncSession,
    id_influencer: str,
    *,
    pedido: PedidoDePagina,
) -> dict[str, Any]:
    """The campaigns that assigned the influencer (any state since), by id, paged as
    :func:`influencers_filtrados`."""
    a = asignaciones.c
    filas = select(a.id_campana, a.estado).where(a.ids_influencer.contains([id_influencer]))
    pagina = await leer_pagina(session, CAMPANAS, filas, pedido)
    return {"campanas": [dict(row) for row in pagina.filas], **pagina.resto()}
