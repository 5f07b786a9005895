"""The read side of marca: plain SQL queries returning the shapes the HTTP API serves
(no aggregate, no unit of work: an adapter the entry points call directly)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from alpes.paging import Keyset, PedidoDePagina, leer_pagina
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


MARCAS = Keyset("marcas", ((marcas.c.nombre, False), (marcas.c.id_marca, False)))
"""The brands' order, by name (the index ``ix_marcas_nombre_id``)."""
CAMPANAS = Keyset("campanas_de_marca", ((reservas.c.id_campana, False),))
"""A brand's campaigns' order, by id (the index ``ix_reservas_id_marca_campana``)."""


async def listar_marcas(
    session: AsyncSession,
    *,
    activa: bool | None,
    id_marca: str | None = None,
    pedido: PedidoDePagina,
) -> dict[str, Any]:
    """Brands by name (after ``despues``), only brand ``id_marca`` when given; ``total``
    counts every match (``alpes.paging``)."""
    filtro = [] if activa is None else [marcas.c.activa == activa]
    if id_marca is not None:
        filtro.append(marcas.c.id_marca == id_marca)
    filas = select(marcas).where(*filtro)
    pagina = await leer_pagina(session, MARCAS, filas, pedido)
    return {
        "marcas": [vista_marca(SimpleNamespace(**row)) for row in pagina.filas],
        **pagina.resto(),
    }


async def campanas_de_marca(
    session: AsyncSession,
    id_marca: str,
    *,
    pedido: PedidoDePagina,
) -> dict[str, Any]:
    """The brand's campaign projection: what marca did for each of its campaigns, by id."""
    await obtener_marca(session, id_marca)
    r = reservas.c
    filas = select(r.id_campana, r.monto, r.estado, r.motivo).where(r.id_marca == id_marca)
    pagina = await leer_pagina(session, CAMPANAS, filas, pedido)
    campanas = [
        {
            "id_campana": f["id_campana"],
            "monto": float(f["monto"]),
            "estado": f["estado"],
            "motivo": f["motivo"],
        }
        for f in pagina.filas
    ]
    return {"campanas": campanas, **pagina.resto()}
