"""Builders and probes shared by the influencer integration tests."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy import text

import contracts as c
from tests.helpers import eventually
from tests.integration.conftest import EventProbe, RunningService, StartService


@pytest.fixture
async def influencer(start_service: StartService) -> RunningService:
    return await start_service("influencer")


def nuevo_id() -> str:
    return str(uuid.uuid4())


def _envoltura(id_campana: str, id_saga: str | None = None) -> dict[str, Any]:
    return {
        "id_evento": c.new_event_id(),
        "ocurrido_en": c.utc_now(),
        "id_campana": id_campana,
        "id_saga": id_saga or f"saga-{id_campana}",
        "id_correlacion": f"corr-{id_campana}",
    }


def campana_creada(
    id_campana: str, influencers: Sequence[tuple[str, str] | c.InfluencerCampana]
) -> c.CampanaCreada:
    """``CampanaCreada`` naming ``influencers`` ((nombre, plataforma) or full entries)."""
    ahora = c.utc_now()
    return c.CampanaCreada(
        **_envoltura(id_campana),
        nombre="Campaña de Verano",
        descripcion="Promoción de verano",
        tipo="influencer",
        estado="creada",
        fecha_creacion=ahora,
        fecha_inicio=ahora,
        fecha_fin=ahora + datetime.timedelta(days=30),
        presupuesto=15000.0,
        marca=c.MarcaCampana(id_marca="marca-1", nombre_marca="Nike"),
        influencers=[
            i
            if isinstance(i, c.InfluencerCampana)
            else c.InfluencerCampana(
                nombre=i[0], plataforma=i[1], seguidores=150000, categoria="Fitness"
            )
            for i in influencers
        ],
        plazo_saga=ahora + datetime.timedelta(seconds=30),
    )


def campana_cancelada(
    id_campana: str, motivo: str = "cancelada por el usuario"
) -> c.CampanaCancelada:
    return c.CampanaCancelada(**_envoltura(id_campana), motivo=motivo, origen="usuario")


def campana_finalizada(id_campana: str) -> c.CampanaFinalizada:
    return c.CampanaFinalizada(**_envoltura(id_campana), id_marca="marca-1")


def reserva_rechazada(id_campana: str) -> c.ReservaPresupuestoRechazada:
    return c.ReservaPresupuestoRechazada(
        **_envoltura(id_campana),
        id_marca="marca-1",
        motivo="presupuesto insuficiente",
        tecnico=False,
    )


def tracking_rechazado(id_campana: str) -> c.HabilitacionTrackingRechazada:
    return c.HabilitacionTrackingRechazada(
        **_envoltura(id_campana), motivo="tracking no disponible", tecnico=False
    )


async def filas(svc: RunningService, sql: str, **params: Any) -> list[Any]:
    async with svc.service.db.sessions() as session:
        return list((await session.execute(text(sql), params)).all())


async def procesado(svc: RunningService, event: c.IntegrationEvent) -> None:
    """Wait until influencer committed its reaction to ``event`` (its inbox row)."""

    async def visto() -> bool:
        return bool(
            await filas(svc, "SELECT 1 FROM inbox WHERE id_mensaje = :id", id=event.id_evento)
        )

    await eventually(visto, message=f"{type(event).__name__} processed")


async def outbox_vacio(svc: RunningService) -> None:
    """Wait until the relay published everything committed so far."""

    async def vacio() -> bool:
        return not await filas(svc, "SELECT 1 FROM outbox")

    await eventually(vacio, message="outbox drained")


async def por_nombre(svc: RunningService, nombre: str) -> dict[str, Any] | None:
    """The influencer called exactly ``nombre``, through the HTTP API."""
    response = await svc.http.get("/influencer/influencers", params={"nombre": nombre})
    assert response.status_code == 200, response.text
    found = [i for i in response.json()["influencers"] if i["nombre"] == nombre]
    assert len(found) <= 1, found
    return found[0] if found else None


async def campanas_activas(svc: RunningService, nombre: str) -> int | None:
    found = await por_nombre(svc, nombre)
    return None if found is None else int(found["campanas_activas"])


async def registrar(
    svc: RunningService, nombre: str, plataforma: str = "Instagram"
) -> dict[str, Any]:
    response = await svc.http.post(
        "/influencer/influencers",
        json={"nombre": nombre, "plataforma": plataforma, "seguidores": 1000, "categoria": "Moda"},
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def uno(probe: EventProbe, event_type: type, id_campana: str) -> Any:
    """Wait for the first ``event_type`` of the campaign and return it."""
    found = await eventually(
        lambda: probe.of(event_type, id_campana), message=f"{event_type.__name__} of {id_campana}"
    )
    return found[0]
