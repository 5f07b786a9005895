"""Builders and probes shared by the marca integration tests."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

import contracts as c
from tests.helpers import envoltura
from tests.integration.conftest import EventProbe, RunningService, StartService
from tests.integration.support import campana_creada, created, read


@pytest.fixture
async def marca(start_service: StartService) -> RunningService:
    return await start_service("marca")


async def registrar(svc: RunningService, **cuerpo: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"id_marca": f"m-{uuid.uuid4().hex[:8]}", "nombre": "Nike"}
    return await created(svc, "/marca/marcas", base | cuerpo)  # type: ignore[no-any-return]


@pytest.fixture
async def nike(marca: RunningService) -> dict[str, Any]:
    """A brand registered in marca with a budget of 1,000: marca's answer."""
    return await registrar(marca, presupuesto_total=1000)


async def ver(svc: RunningService, id_marca: str) -> dict[str, Any]:
    return await read(svc, f"/marca/marcas/{id_marca}")  # type: ignore[no-any-return]


async def campanas(svc: RunningService, id_marca: str) -> dict[str, dict[str, Any]]:
    """The brand's campaign projection, by campaign id."""
    listed = await read(svc, f"/marca/marcas/{id_marca}/campanas", limit=500)
    return {x["id_campana"]: x for x in listed["campanas"]}


async def barrera(svc: RunningService, probe: EventProbe) -> None:
    """Every event marca committed so far has reached the probe.

    The relay publishes the outbox in commit order on one producer per topic, so once the
    reservation of a campaign published now arrives, everything committed before it has too.
    """
    await probe.answer(creada("marca-barrera", 1.0), c.PresupuestoReservado)


# --- the saga's events, built by hand as afiliaciones, influencer and tracking would ---


def creada(id_marca: str, presupuesto: float, *, nombre_marca: str = "Nike") -> c.CampanaCreada:
    return campana_creada(
        envoltura(), id_marca=id_marca, presupuesto=presupuesto, nombre_marca=nombre_marca
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
