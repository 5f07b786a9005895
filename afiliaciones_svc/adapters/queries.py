"""The read side: plain SQL over the tables, answering small dicts in the seed's shapes (no
unit of work: an adapter the entry points call directly).

A campaign reads as the seed showed it (``id``, ``marca``, ..., ``presupuesto`` as a float,
``influencers`` without ids) plus ``id_saga``. A saga reads as its campaign's saga state and
timeline. Nothing here loads the aggregate.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from afiliaciones_svc.adapters.orm import campanas, linea_de_tiempo_saga
from afiliaciones_svc.application.errors import CampanaNoEncontrada, SagaNoEncontrada
from afiliaciones_svc.domain.saga import EstadoSaga, Participante
from afiliaciones_svc.domain.values import EstadoCampana
from alpes.paging import Keyset, Pagina, PedidoDePagina, Posicion, leer_pagina

_CAMPOS_INFLUENCER = ("nombre", "plataforma", "seguidores", "categoria")


async def obtener_campana(
    session: AsyncSession, id_campana: str, *, id_marca: str | None = None
) -> dict[str, Any]:
    """The campaign; :class:`CampanaNoEncontrada` when there is none, or when ``id_marca`` is
    given and the campaign is another brand's (to a brand, another's campaign does not exist)."""
    query = select(*_VISTA).where(campanas.c.id == id_campana, *_de_la_marca(id_marca))
    row = (await session.execute(query)).mappings().first()
    if row is None:
        raise CampanaNoEncontrada(id_campana)
    return _vista_campana(row)


async def listar_campanas(
    session: AsyncSession,
    *,
    estado: EstadoCampana | None = None,
    id_marca: str | None = None,
    pedido: PedidoDePagina,
) -> dict[str, Any]:
    """A page of campaigns, newest first (after ``despues`` when given), how many match in all
    (``alpes.paging.contar``) and the cursor of the next page (None on the last)."""
    condiciones = []
    if estado is not None:
        condiciones.append(campanas.c.estado == estado.value)
    if id_marca is not None:
        condiciones.append(campanas.c.id_marca == id_marca)
    pagina = await _recientes(session, CAMPANAS, _VISTA, condiciones, pedido)
    return {"campanas": [_vista_campana(row) for row in pagina.filas], **pagina.resto()}


async def marca_de_campana(session: AsyncSession, id_campana: str) -> str:
    """The brand of a campaign (:class:`CampanaNoEncontrada` when there is none)."""
    query = select(campanas.c.id_marca).where(campanas.c.id == id_campana)
    id_marca = (await session.execute(query)).scalar_one_or_none()
    if id_marca is None:
        raise CampanaNoEncontrada(id_campana)
    return str(id_marca)


async def saga_de_campana(
    session: AsyncSession, id_campana: str, *, id_marca: str | None = None
) -> dict[str, Any]:
    """The saga of a campaign (of brand ``id_marca`` when given), as :func:`obtener_campana`."""
    donde = and_(campanas.c.id == id_campana, *_de_la_marca(id_marca))
    return await _saga(session, donde, CampanaNoEncontrada(id_campana))


async def obtener_saga(
    session: AsyncSession, id_saga: str, *, id_marca: str | None = None
) -> dict[str, Any]:
    """A saga by its id (of a campaign of brand ``id_marca`` when given)."""
    donde = and_(campanas.c.id_saga == id_saga, *_de_la_marca(id_marca))
    return await _saga(session, donde, SagaNoEncontrada(id_saga))


async def listar_sagas(
    session: AsyncSession,
    *,
    estado: EstadoSaga | None = None,
    id_marca: str | None = None,
    pedido: PedidoDePagina,
) -> dict[str, Any]:
    """A page of saga summaries (of brand ``id_marca``'s campaigns when given), newest first,
    as :func:`listar_campanas`."""
    condiciones = [campanas.c.estado_saga == estado.value] if estado is not None else []
    condiciones += _de_la_marca(id_marca)
    columnas = [*_RESUMEN, campanas.c.id]
    pagina = await _recientes(session, SAGAS, columnas, condiciones, pedido)
    filas = [{k: row[k] for k in _CAMPOS_RESUMEN} for row in pagina.filas]
    return {"sagas": filas, **pagina.resto()}


async def historial_de_sagas(
    session: AsyncSession,
    *,
    limit: int = 100,
    despues: Posicion | None = None,
    id_marca: str | None = None,
) -> dict[str, Any]:
    """The latest timeline lines of every saga (of brand ``id_marca``'s campaigns when given),
    newest first (after ``despues``), how many there are and the cursor of the next page."""
    t = linea_de_tiempo_saga
    columnas = (t.c.id_saga, t.c.id_campana, t.c.evento, t.c.origen, t.c.ocurrido_en, t.c.motivo)
    pedido = PedidoDePagina(limit=limit, offset=0, despues=despues)
    lineas = select(*columnas, t.c.id)
    if id_marca is not None:  # a line is its campaign's brand's
        lineas = lineas.join(campanas, campanas.c.id == t.c.id_campana).where(
            campanas.c.id_marca == id_marca
        )
    pagina = await leer_pagina(session, HISTORIAL, lineas, pedido)
    filas = [{c.key: row[c.key] for c in columnas} for row in pagina.filas]
    return {"historial": filas, **pagina.resto()}


async def estadisticas_de_sagas(
    session: AsyncSession, ahora: datetime, gracia: timedelta, *, id_marca: str | None = None
) -> dict[str, Any]:
    """How many sagas (of brand ``id_marca``'s campaigns when given) are in each state; ``tasa_exito`` is the percentage of finished sagas
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
    query = (
        select(campanas.c.estado_saga, func.count(), func.count().filter(atascada))
        .where(*_de_la_marca(id_marca))
        .group_by(campanas.c.estado_saga)
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


async def resultado_de_saga(session: AsyncSession, id_saga: str) -> dict[str, Any] | None:
    """The seed's answer to ``POST /campana-saga`` once the saga has finished, completed or
    compensated; None while it runs (``en_progreso``, ``compensando``).

    ``pasos_completados`` are the participants that did their step (also when they undid it
    later), ``pasos_compensados`` those that undid it, ``pasos_fallidos`` those that refused
    theirs (not in the seed's answer); ``error`` is why the campaign was cancelled."""
    c = campanas.c
    query = select(
        c.id,
        c.nombre,
        c.estado,
        c.presupuesto,
        c.estado_saga,
        c.exitos,
        c.fallos,
        c.compensaciones,
        c.motivo_cancelacion,
    ).where(c.id_saga == id_saga)
    row = (await session.execute(query)).mappings().first()
    if row is None:
        raise SagaNoEncontrada(id_saga)
    estado = EstadoSaga(row["estado_saga"])
    if estado not in _TERMINADAS:
        return None
    exitosa = estado is EstadoSaga.COMPLETADA
    return {
        "mensaje": _MENSAJE_EXITO if exitosa else _MENSAJE_COMPENSADA,
        "saga_exitosa": exitosa,
        "estado_saga": estado,
        "id_saga": id_saga,
        "id_campana": row["id"],
        "pasos_completados": _en_orden(row["exitos"]),
        "pasos_compensados": _en_orden(row["compensaciones"]),
        "pasos_fallidos": _en_orden(row["fallos"]),
        "error": None if exitosa else row["motivo_cancelacion"],
        "campana": {
            "id": row["id"],
            "nombre": row["nombre"],
            "estado": row["estado"],
            "presupuesto": float(row["presupuesto"]),
        },
    }


async def esperar_resultado_de_saga(
    sesiones: async_sessionmaker[AsyncSession],
    id_saga: str,
    segundos: float,
    *,
    intervalo: float = 0.05,
) -> dict[str, Any] | None:
    """``resultado_de_saga`` as soon as the saga has finished, or None after ``segundos``.

    Each look is a fresh short read (a connection from the pool for one SELECT by the
    saga's unique index); none is held in between, so a waiting request costs the pool
    nothing. Looks are ``intervalo`` apart: what the saga's own latency (tens of ms) makes
    worth it, and at most 20 reads a second per waiting request."""
    loop = asyncio.get_running_loop()
    limite = loop.time() + segundos
    while (restante := limite - loop.time()) > 0:
        await asyncio.sleep(min(intervalo, restante))
        async with sesiones() as session:
            resultado = await resultado_de_saga(session, id_saga)
        if resultado is not None:
            return resultado
    return None


# --- internals ---

_TERMINADAS = (EstadoSaga.COMPLETADA, EstadoSaga.COMPENSADA)
_MENSAJE_EXITO = "Campaña procesada con patrón Saga"
_MENSAJE_COMPENSADA = "Campaña cancelada: la saga compensó sus pasos"

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
_CAMPOS_RESUMEN = tuple(c.key for c in _RESUMEN)


def _de_la_marca(id_marca: str | None) -> list[ColumnElement[bool]]:
    """The condition of the campaigns of brand ``id_marca``; none for None (every brand)."""
    return [] if id_marca is None else [campanas.c.id_marca == id_marca]


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


CAMPANAS = Keyset("campanas", ((campanas.c.fecha_creacion, True), (campanas.c.id, False)))
"""The campaigns' order: newest first, then by id (the index ``ix_campanas_recientes``)."""
SAGAS = Keyset("sagas", CAMPANAS.orden)
"""The sagas', their campaigns' order."""
HISTORIAL = Keyset(
    "historial",
    ((linea_de_tiempo_saga.c.ocurrido_en, True), (linea_de_tiempo_saga.c.id, True)),
)
"""The timeline's, newest first (the index ``ix_linea_de_tiempo_saga_ocurrido_en``)."""


async def _recientes(
    session: AsyncSession,
    keyset: Keyset,
    columnas: Sequence[Any],
    condiciones: Sequence[ColumnElement[bool]],
    pedido: PedidoDePagina,
) -> Pagina:
    """A page of ``columnas`` of the campaigns that meet ``condiciones``, newest first."""
    filas = select(*columnas).select_from(campanas).where(*condiciones)
    return await leer_pagina(session, keyset, filas, pedido)


_VISTA = tuple(
    campanas.c[nombre]
    for nombre in (
        "id", "id_marca", "nombre_marca", "nombre", "descripcion", "tipo", "estado",
        "fecha_creacion", "fecha_inicio", "fecha_fin", "presupuesto", "influencers", "id_saga",
    )
)  # fmt: skip
"""The columns a campaign's view shows (no saga progress: it is read only for the sagas')."""


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


def _en_orden(participantes: list[str]) -> list[str]:
    """Participant names in the saga's stable order (marca, influencer, tracking)."""
    return [p.value for p in Participante if p.value in participantes]
