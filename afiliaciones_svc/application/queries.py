"""The read side: plain SQL over the tables, answering small dicts in the seed's shapes.

A campaign reads as the seed showed it (``id``, ``marca``, ..., ``presupuesto`` as a float,
``influencers`` without ids) plus ``id_saga``. A saga reads as its campaign's saga state and
timeline. Nothing here loads the aggregate.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from afiliaciones_svc.adapters.orm import campanas, linea_de_tiempo_saga
from afiliaciones_svc.application.errors import CampanaNoEncontrada, SagaNoEncontrada
from afiliaciones_svc.domain.saga import EstadoSaga
from afiliaciones_svc.domain.values import EstadoCampana

_CAMPOS_INFLUENCER = ("nombre", "plataforma", "seguidores", "categoria")


async def obtener_campana(session: AsyncSession, id_campana: str) -> dict[str, Any]:
    row = (
        (await session.execute(select(campanas).where(campanas.c.id == id_campana)))
        .mappings()
        .first()
    )
    if row is None:
        raise CampanaNoEncontrada(id_campana)
    return _vista_campana(row)


async def listar_campanas(
    session: AsyncSession,
    *,
    estado: EstadoCampana | None = None,
    id_marca: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """A page of campaigns, newest first, and how many match in all."""
    condiciones = []
    if estado is not None:
        condiciones.append(campanas.c.estado == estado.value)
    if id_marca is not None:
        condiciones.append(campanas.c.id_marca == id_marca)
    pagina = (
        select(campanas)
        .where(*condiciones)
        .order_by(campanas.c.fecha_creacion.desc(), campanas.c.id)
        .limit(limit)
        .offset(offset)
    )
    rows = (await session.execute(pagina)).mappings().all()
    total = await _contar(session, select(func.count()).select_from(campanas).where(*condiciones))
    return {"campanas": [_vista_campana(row) for row in rows], "total": total}


async def saga_de_campana(session: AsyncSession, id_campana: str) -> dict[str, Any]:
    return await _saga(session, campanas.c.id == id_campana, CampanaNoEncontrada(id_campana))


async def obtener_saga(session: AsyncSession, id_saga: str) -> dict[str, Any]:
    return await _saga(session, campanas.c.id_saga == id_saga, SagaNoEncontrada(id_saga))


async def listar_sagas(
    session: AsyncSession, *, estado: EstadoSaga | None = None, limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    """A page of saga summaries, newest first, and how many match in all."""
    condiciones = [campanas.c.estado_saga == estado.value] if estado is not None else []
    pagina = (
        select(*_RESUMEN)
        .where(*condiciones)
        .order_by(campanas.c.fecha_creacion.desc(), campanas.c.id)
        .limit(limit)
        .offset(offset)
    )
    rows = (await session.execute(pagina)).mappings().all()
    total = await _contar(session, select(func.count()).select_from(campanas).where(*condiciones))
    return {"sagas": [dict(row) for row in rows], "total": total}


async def historial_de_sagas(session: AsyncSession, *, limit: int = 100) -> dict[str, Any]:
    """The latest timeline lines of every saga, newest first, and how many there are."""
    t = linea_de_tiempo_saga
    query = (
        select(t.c.id_saga, t.c.id_campana, t.c.evento, t.c.origen, t.c.ocurrido_en, t.c.motivo)
        .order_by(t.c.ocurrido_en.desc(), t.c.id.desc())
        .limit(limit)
    )
    rows = (await session.execute(query)).mappings().all()
    total = await _contar(session, select(func.count()).select_from(t))
    return {"historial": [dict(row) for row in rows], "total": total}


async def estadisticas_de_sagas(
    session: AsyncSession, ahora: datetime, gracia: timedelta
) -> dict[str, Any]:
    """How many sagas are in each state; ``tasa_exito`` is the percentage of finished sagas
    (completed or cancelled) that completed, 0.0 while none finished; ``atascadas`` counts
    the sagas still waiting ``gracia`` past their deadline (``en_progreso``) or their
    cancellation (``compensando``): the ones the sweeper is chasing."""
    atascada = or_(
        and_(
            campanas.c.estado_saga == EstadoSaga.EN_PROGRESO,
            campanas.c.plazo_saga <= ahora - gracia,
        ),
        and_(
            campanas.c.estado_saga == EstadoSaga.COMPENSANDO,
            func.coalesce(campanas.c.cancelada_en, campanas.c.fecha_creacion) <= ahora - gracia,
        ),
    )
    query = select(campanas.c.estado_saga, func.count(), func.count().filter(atascada)).group_by(
        campanas.c.estado_saga
    )
    filas = (await session.execute(query)).all()
    cuentas = {estado: n for estado, n, _ in filas}
    atascadas = sum(n for _, _, n in filas)
    de = {e: int(cuentas.get(e.value, 0)) for e in EstadoSaga}
    terminadas = sum(de[e] for e in EstadoSaga if e is not EstadoSaga.EN_PROGRESO)
    tasa = round(100 * de[EstadoSaga.COMPLETADA] / terminadas, 2) if terminadas else 0.0
    return {
        "total": sum(de.values()),
        "en_progreso": de[EstadoSaga.EN_PROGRESO],
        "completadas": de[EstadoSaga.COMPLETADA],
        "compensando": de[EstadoSaga.COMPENSANDO],
        "compensadas": de[EstadoSaga.COMPENSADA],
        "atascadas": atascadas,
        "tasa_exito": tasa,
    }


# --- internals ---

_RESUMEN = (
    campanas.c.id_saga,
    campanas.c.id.label("id_campana"),
    campanas.c.estado_saga,
    campanas.c.estado.label("estado_campana"),
    campanas.c.nombre,
    campanas.c.fecha_creacion,
    campanas.c.plazo_saga,
    campanas.c.motivo_cancelacion,
    campanas.c.origen_cancelacion,
)


async def _saga(session: AsyncSession, donde: Any, si_no: Exception) -> dict[str, Any]:
    resumen = (await session.execute(select(*_RESUMEN).where(donde))).mappings().first()
    if resumen is None:
        raise si_no
    t = linea_de_tiempo_saga
    linea = (
        await session.execute(
            select(t.c.evento, t.c.origen, t.c.ocurrido_en, t.c.motivo)
            .where(t.c.id_saga == resumen["id_saga"])
            .order_by(t.c.id)
        )
    ).mappings()
    return {**resumen, "linea_de_tiempo": [dict(row) for row in linea]}


async def _contar(session: AsyncSession, query: Select[Any]) -> int:
    return int((await session.execute(query)).scalar_one())


def _vista_campana(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "marca": {"id_marca": row["id_marca"], "nombre_marca": row["nombre_marca"]},
        "nombre": row["nombre"],
        "descripcion": row["descripcion"],
        "tipo": row["tipo"],
        "estado": row["estado"],
        "fecha_creacion": row["fecha_creacion"],
        "fecha_inicio": row["fecha_inicio"],
        "fecha_fin": row["fecha_fin"],
        "presupuesto": float(row["presupuesto"]),
        "influencers": [{k: i[k] for k in _CAMPOS_INFLUENCER} for i in row["influencers"]],
        "id_saga": row["id_saga"],
    }
