"""Builders and probes shared by the marca integration tests."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text

import contracts as c
from tests.helpers import eventually
from tests.integration.conftest import EventProbe, RunningService, StartService


@pytest.fixture
async def marca(start_service: StartService) -> RunningService:
    return await start_service("marca")


async def registrar(svc: RunningService, **cuerpo: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"id_marca": f"m-{uuid.uuid4().hex[:8]}", "nombre": "Nike"}
    response = await svc.http.post("/marca/marcas", json=base | cuerpo)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def ver(svc: RunningService, id_marca: str) -> dict[str, Any]:
    response = await svc.http.get(f"/marca/marcas/{id_marca}")
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def campanas(svc: RunningService, id_marca: str) -> dict[str, dict[str, Any]]:
    """The brand's campaign projection, by campaign id."""
    response = await svc.http.get(f"/marca/marcas/{id_marca}/campanas", params={"limit": 500})
    assert response.status_code == 200, response.text
    return {x["id_campana"]: x for x in response.json()["campanas"]}


async def filas(svc: RunningService, sql: str, **params: Any) -> list[Any]:
    async with svc.service.db.sessions() as session:
        return list((await session.execute(text(sql), params)).all())


async def procesado(svc: RunningService, evento: c.IntegrationEvent) -> None:
    """marca has handled ``evento`` (its inbox holds it)."""

    async def visto() -> bool:
        sql = "SELECT 1 FROM inbox WHERE id_mensaje = :id"
        return bool(await filas(svc, sql, id=evento.id_evento))

    await eventually(visto, message=f"{type(evento).__name__} handled")


async def barrera(svc: RunningService, probe: EventProbe) -> None:
    """Every event marca committed so far has reached the probe.

    The relay publishes the outbox in commit order on one producer per topic, so once the
    reservation of a campaign published now arrives, everything committed before it has too.
    """
    otra = creada("marca-barrera", 1.0)
    await probe.publish(otra)
    await eventually(
        lambda: probe.of(c.PresupuestoReservado, otra.id_campana), message="the barrier"
    )


# --- the saga's events, built by hand as afiliaciones, influencer and tracking would ---


def envoltura(id_campana: str | None = None, **cambios: Any) -> dict[str, Any]:
    return {
        "id_evento": c.new_event_id(),
        "ocurrido_en": c.utc_now(),
        "id_campana": id_campana or str(uuid.uuid4()),
        "id_saga": str(uuid.uuid4()),
        "id_correlacion": f"prueba-{uuid.uuid4().hex[:6]}",
    } | cambios


def creada(
    id_marca: str, presupuesto: float, *, nombre_marca: str = "Nike", **envelope: Any
) -> c.CampanaCreada:
    ahora = c.utc_now()
    return c.CampanaCreada(
        **envoltura(**envelope),
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
            c.InfluencerCampana(
                nombre="Ana García", plataforma="Instagram", seguidores=150000, categoria="Fitness"
            )
        ],
        plazo_saga=ahora + timedelta(seconds=30),
    )


def de_la_saga(campana: c.IntegrationEvent) -> dict[str, Any]:
    """The envelope of a later event of ``campana``'s saga (new event id)."""
    return envoltura(
        campana.id_campana, id_saga=campana.id_saga, id_correlacion=campana.id_correlacion
    )


def cancelada(
    campana: c.IntegrationEvent, motivo: str = "lo pidió el usuario"
) -> c.CampanaCancelada:
    return c.CampanaCancelada(**de_la_saga(campana), motivo=motivo, origen="usuario")


def finalizada(campana: c.CampanaCreada) -> c.CampanaFinalizada:
    return c.CampanaFinalizada(**de_la_saga(campana), id_marca=campana.marca.id_marca)


def rechazo_de_influencer(campana: c.IntegrationEvent) -> c.AsignacionInfluencersRechazada:
    return c.AsignacionInfluencersRechazada(
        **de_la_saga(campana), motivo="Ana García ya tiene 3 campañas", tecnico=False
    )


def rechazo_de_tracking(campana: c.IntegrationEvent) -> c.HabilitacionTrackingRechazada:
    return c.HabilitacionTrackingRechazada(
        **de_la_saga(campana), motivo="sin códigos disponibles", tecnico=False
    )
