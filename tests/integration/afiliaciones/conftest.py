"""Builders and probes shared by the afiliaciones integration tests."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

import contracts as c
from tests.helpers import envoltura, eventually, seed_request
from tests.integration.conftest import EventProbe, RunningService, StartService
from tests.integration.support import created


def cuerpo(**cambios: Any) -> dict[str, Any]:
    """The seed's example request (``crear campaña`` in ``tests/seed``'s collection), with
    ``cambios``."""
    return seed_request("crear campaña") | cambios


@pytest.fixture
async def afiliaciones(start_service: StartService) -> RunningService:
    return await start_service("afiliaciones")


async def crear(svc: RunningService, **cambios: Any) -> dict[str, Any]:
    return await created(svc, "/afiliaciones/campana", cuerpo(**cambios))  # type: ignore[no-any-return]


async def barrera(svc: RunningService, probe: EventProbe) -> None:
    """Every event afiliaciones committed so far has reached the probe.

    The relay publishes the outbox in commit order on one producer per topic, so once the
    ``CampanaCreada`` of a campaign created now arrives, everything before it has arrived too.
    """
    otra = await crear(svc, nombre="barrera")
    await eventually(
        lambda: probe.of(c.CampanaCreada, otra["id"]), message="the barrier's CampanaCreada"
    )


async def estado(svc: RunningService, id_campana: str) -> str:
    response = await svc.http.get(f"/afiliaciones/campana/{id_campana}")
    return response.json()["estado"]  # type: ignore[no-any-return]


async def estado_saga(svc: RunningService, id_campana: str) -> str:
    response = await svc.http.get(f"/afiliaciones/campana/{id_campana}/saga")
    return response.json()["estado_saga"]  # type: ignore[no-any-return]


def llega_a(
    svc: RunningService, id_campana: str, esperado: str, *, saga: bool = False
) -> Callable[[], Any]:
    async def check() -> bool:
        actual = await (estado_saga if saga else estado)(svc, id_campana)
        return actual == esperado

    return check


# --- the participants' outcome events ---


def _envoltura(campana: dict[str, Any]) -> dict[str, Any]:
    return envoltura(campana["id"], id_saga=campana["id_saga"], id_correlacion="prueba")


def exitos(campana: dict[str, Any]) -> list[c.IntegrationEvent]:
    """What marca, influencer and tracking publish when they did their step."""
    e = _envoltura
    id_marca = campana["marca"]["id_marca"]
    return [
        c.PresupuestoReservado(**e(campana), id_marca=id_marca, monto=campana["presupuesto"]),
        c.InfluencersAsignados(
            **e(campana),
            asignaciones=[
                c.AsignacionInfluencer(
                    id_influencer=str(uuid.uuid4()), nombre=i["nombre"], plataforma=i["plataforma"]
                )
                for i in campana["influencers"]
            ],
        ),
        c.TrackingHabilitado(
            **e(campana),
            codigos=[
                c.CodigoTracking(nombre=i["nombre"], plataforma=i["plataforma"], codigo=f"T{n}")
                for n, i in enumerate(campana["influencers"])
            ],
        ),
    ]


def rechazo_de_influencer(campana: dict[str, Any]) -> c.AsignacionInfluencersRechazada:
    return c.AsignacionInfluencersRechazada(
        **_envoltura(campana), motivo="Ana García ya tiene 3 campañas", tecnico=False
    )


def compensaciones_de_marca_y_tracking(campana: dict[str, Any]) -> list[c.IntegrationEvent]:
    return [
        c.PresupuestoLiberado(
            **_envoltura(campana),
            id_marca=campana["marca"]["id_marca"],
            monto=campana["presupuesto"],
            motivo="campaña cancelada",
        ),
        c.TrackingDeshabilitado(**_envoltura(campana), motivo="campaña cancelada"),
    ]


def compensacion_de_influencer(campana: dict[str, Any]) -> c.InfluencersLiberados:
    return c.InfluencersLiberados(
        **_envoltura(campana), ids_influencer=[], motivo="campaña cancelada"
    )
