"""Builders and probes shared by the influencer integration tests."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import pytest

import contracts as c
from tests.helpers import envoltura, eventually
from tests.integration.conftest import EventProbe, RunningService, StartService
from tests.integration.support import campana_creada as _creada
from tests.integration.support import created, filas, read
from tests.integration.support import reserva_rechazada as _reserva_rechazada


@pytest.fixture
async def influencer(start_service: StartService) -> RunningService:
    return await start_service("influencer")


def nuevo_id() -> str:
    return str(uuid.uuid4())


def _envoltura(id_campana: str) -> dict[str, Any]:
    return envoltura(id_campana, id_saga=f"saga-{id_campana}", id_correlacion=f"corr-{id_campana}")


def campana_creada(
    id_campana: str, influencers: Sequence[tuple[str, str] | c.InfluencerCampana]
) -> c.CampanaCreada:
    """``CampanaCreada`` naming ``influencers`` ((nombre, plataforma) or full entries)."""
    return _creada(_envoltura(id_campana), influencers=influencers)


def campana_cancelada(
    id_campana: str, motivo: str = "cancelada por el usuario"
) -> c.CampanaCancelada:
    return c.CampanaCancelada(**_envoltura(id_campana), motivo=motivo, origen="usuario")


def campana_finalizada(id_campana: str) -> c.CampanaFinalizada:
    return c.CampanaFinalizada(**_envoltura(id_campana), id_marca="marca-1")


def reserva_rechazada(id_campana: str) -> c.ReservaPresupuestoRechazada:
    return _reserva_rechazada(_envoltura(id_campana))


def tracking_rechazado(id_campana: str) -> c.HabilitacionTrackingRechazada:
    return c.HabilitacionTrackingRechazada(
        **_envoltura(id_campana), motivo="tracking no disponible", tecnico=False
    )


async def outbox_vacio(svc: RunningService) -> None:
    """Wait until the relay published everything committed so far."""

    async def vacio() -> bool:
        return not await filas(svc, "SELECT 1 FROM outbox")

    await eventually(vacio, message="outbox drained")


async def por_nombre(svc: RunningService, nombre: str) -> dict[str, Any] | None:
    """The influencer called exactly ``nombre``, through the HTTP API."""
    listed = await read(svc, "/influencer/influencers", nombre=nombre)
    found = [i for i in listed["influencers"] if i["nombre"] == nombre]
    assert len(found) <= 1, found
    return found[0] if found else None


async def campanas_activas(svc: RunningService, nombre: str) -> int | None:
    found = await por_nombre(svc, nombre)
    return None if found is None else int(found["campanas_activas"])


async def registrar(
    svc: RunningService, nombre: str, plataforma: str = "Instagram"
) -> dict[str, Any]:
    cuerpo = {"nombre": nombre, "plataforma": plataforma, "seguidores": 1000, "categoria": "Moda"}
    return await created(svc, "/influencer/influencers", cuerpo)  # type: ignore[no-any-return]


async def uno(probe: EventProbe, event_type: type, id_campana: str) -> Any:
    """Wait for the first ``event_type`` of the campaign and return it."""
    found = await eventually(
        lambda: probe.of(event_type, id_campana), message=f"{event_type.__name__} of {id_campana}"
    )
    return found[0]
