"""The read side of tracking: plain SQL returning small views (dicts ready for JSON); no
aggregate, no unit of work: an adapter the entry points call directly.

Counts come from the metrics rows, which the same transactions as the event rows keep exact;
``total_eventos`` is the number of stored events of a campaign, so listing needs no ``COUNT(*)``.
``tasa_conversion`` is ``conversiones / clics`` (0 without clics), rounded to 4 decimals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from alpes.paging import Keyset, Posicion
from tracking_svc.adapters.orm import CONTADORES, eventos_tracking
from tracking_svc.application.errors import CampanaNoEncontrada

_SUMAS = ", ".join(f"coalesce(sum(m.{n}), 0) AS {n}" for n in CONTADORES)
_COLUMNAS = ", ".join(f"coalesce(m.{n}, 0) AS {n}" for n in CONTADORES)

_CAMPANA = text(
    f"""
    SELECT c.id_campana, coalesce(m.id_marca, c.id_marca) AS id_marca, c.estado, c.motivo,
           {_COLUMNAS}
    FROM campanas_tracking AS c
    LEFT JOIN metricas_campana AS m ON m.id_campana = c.id_campana
    WHERE c.id_campana = :id
    """
)

_POR_INFLUENCER = text(
    f"""
    SELECT k.codigo, k.id_influencer, k.nombre, k.plataforma, k.activo, {_COLUMNAS}
    FROM codigos_tracking AS k
    LEFT JOIN metricas_influencer AS m ON m.id_campana = k.id_campana AND m.codigo = k.codigo
    WHERE k.id_campana = :id
    ORDER BY k.nombre, k.plataforma, k.codigo
    """
)

_MARCA = text(
    f"SELECT count(*) AS campanas, {_SUMAS} FROM metricas_campana AS m WHERE m.id_marca = :id"
)

EVENTOS = Keyset(
    "eventos", ((eventos_tracking.c.fecha_evento, True), (eventos_tracking.c.id, True))
)
"""A campaign's events' order, newest first (the index ``ix_eventos_tracking_recientes``)."""

_CODIGOS = text(
    """
    SELECT codigo, id_influencer, nombre, plataforma, activo
    FROM codigos_tracking WHERE id_campana = :id
    ORDER BY nombre, plataforma, codigo
    """
)


def _contadores(row: Any) -> dict[str, Any]:
    valores = {n: row[n] for n in CONTADORES}
    valores["valor_conversiones"] = float(valores["valor_conversiones"])
    clics, conversiones = valores["clics"], valores["conversiones"]
    valores["tasa_conversion"] = round(conversiones / clics, 4) if clics else 0.0
    return valores


async def campana(session: AsyncSession, id_campana: str) -> Any:
    """The campaign's row: its brand (``id_marca``), state and counters;
    CampanaNoEncontrada if tracking does not know it."""
    row = (await session.execute(_CAMPANA, {"id": id_campana})).mappings().first()
    if row is None:
        raise CampanaNoEncontrada(id_campana)
    return row


async def metricas_de_campana(session: AsyncSession, id_campana: str) -> dict[str, Any]:
    row = await campana(session, id_campana)
    influencers = (await session.execute(_POR_INFLUENCER, {"id": id_campana})).mappings()
    return {
        "id_campana": row["id_campana"],
        "id_marca": row["id_marca"],
        "estado": row["estado"],
        "motivo": row["motivo"],
        **_contadores(row),
        "por_influencer": [
            {
                "codigo": i["codigo"],
                "id_influencer": i["id_influencer"],
                "nombre": i["nombre"],
                "plataforma": i["plataforma"],
                "activo": i["activo"],
                **_contadores(i),
            }
            for i in influencers
        ],
    }


async def metricas_de_marca(session: AsyncSession, id_marca: str) -> dict[str, Any]:
    """Sums over the brand's provisioned campaigns (all zero, ``campanas`` 0, if none)."""
    row = (await session.execute(_MARCA, {"id": id_marca})).mappings().one()
    return {"id_marca": id_marca, "campanas": row["campanas"], **_contadores(row)}


@dataclass(frozen=True)
class PaginaDeEventos:
    total: int
    eventos: list[dict[str, Any]]
    siguiente: str | None
    """The cursor of the next page (``alpes.paging``), None on the last."""


async def eventos_de_campana(
    session: AsyncSession,
    de: Any,
    limit: int,
    offset: int = 0,
    despues: Posicion | None = None,
) -> PaginaDeEventos:
    """One page of the events of the campaign ``de`` (its row, :func:`campana`), newest first:
    after ``despues`` (a keyset position) or ``offset`` events in; its total is the campaign's
    ``total_eventos``."""
    id_campana, total = de["id_campana"], int(de["total_eventos"])
    e = eventos_tracking.c
    pagina = (
        select(e.id, e.id_campana, e.tipo_evento, e.datos, e.codigo, e.fecha_evento)
        .where(e.id_campana == id_campana)
        .order_by(*EVENTOS.order_by())
        .limit(limit + 1)
        .offset(offset or None)
    )
    if despues is not None:
        pagina = pagina.where(EVENTOS.despues(despues))
    rows = (await session.execute(pagina)).mappings().all()
    siguiente = EVENTOS.cursor(rows[limit - 1]) if len(rows) > limit else None
    eventos = [
        {
            "id": str(r["id"]),
            "id_campana": r["id_campana"],
            "tipo_evento": r["tipo_evento"],
            "datos": r["datos"],
            "codigo": r["codigo"],
            "fecha_evento": r["fecha_evento"].isoformat(),
        }
        for r in rows[:limit]
    ]
    return PaginaDeEventos(total, eventos, siguiente)


async def codigos_de_campana(session: AsyncSession, id_campana: str) -> list[dict[str, Any]]:
    """The campaign's codes (none for a campaign tracking does not know: :func:`campana`)."""
    rows = (await session.execute(_CODIGOS, {"id": id_campana})).mappings()
    return [dict(r) for r in rows]
