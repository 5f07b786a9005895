"""Helpers the integration tests of every service share: HTTP calls that must succeed, SQL on
a service's own database, the wait for its inbox to hold an event, and the saga's events built
by hand as another service would publish them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import text

import contracts as c
from tests.helpers import eventually
from tests.integration.conftest import RunningService


async def created(
    svc: RunningService, path: str, body: dict[str, Any], headers: dict[str, str] | None = None
) -> Any:
    """POST ``body`` to ``path``: answered 201; the answer's body."""
    response = await svc.http.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def read(svc: RunningService, path: str, **params: Any) -> Any:
    """GET ``path``: answered 200; the answer's body."""
    response = await svc.http.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def filas(svc: RunningService, sql: str, **params: Any) -> list[Any]:
    async with svc.service.db.sessions() as session:
        return list((await session.execute(text(sql), params)).all())


async def ejecutar(svc: RunningService, sql: str, **params: Any) -> None:
    async with svc.service.db.sessions() as session, session.begin():
        await session.execute(text(sql), params)


async def procesado(svc: RunningService, evento: c.IntegrationEvent) -> None:
    """The service has committed its reaction to ``evento`` (its inbox holds it)."""

    async def visto() -> bool:
        sql = "SELECT 1 FROM inbox WHERE message_id = :id"
        return bool(await filas(svc, sql, id=evento.id_evento))

    await eventually(visto, message=f"{type(evento).__name__} handled")


def campana_creada(
    envelope: dict[str, Any],
    *,
    id_marca: str = "marca-1",
    presupuesto: float = 15000.0,
    influencers: Sequence[tuple[str, str] | c.InfluencerCampana] = (("Ana García", "Instagram"),),
    nombre_marca: str = "Nike",
) -> c.CampanaCreada:
    """``CampanaCreada`` as afiliaciones publishes it; ``influencers`` as (nombre, plataforma)
    or full entries."""
    ahora = c.utc_now()
    return c.CampanaCreada(
        **envelope,
        nombre="Campaña de Verano",
        descripcion="Promoción de verano",
        tipo="influencer",
        estado="creada",
        fecha_creacion=ahora,
        fecha_inicio=ahora,
        fecha_fin=ahora + timedelta(days=30),
        presupuesto=presupuesto,
        marca=c.MarcaCampana(id_marca=id_marca, nombre_marca=nombre_marca),
        influencers=[
            i
            if isinstance(i, c.InfluencerCampana)
            else c.InfluencerCampana(
                nombre=i[0], plataforma=i[1], seguidores=150000, categoria="Fitness"
            )
            for i in influencers
        ],
        plazo_saga=ahora + timedelta(seconds=30),
    )


def reserva_rechazada(envelope: dict[str, Any]) -> c.ReservaPresupuestoRechazada:
    """marca's refusal: not enough budget."""
    return c.ReservaPresupuestoRechazada(
        **envelope, id_marca="marca-1", motivo="presupuesto insuficiente", tecnico=False
    )
