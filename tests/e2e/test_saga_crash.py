"""kill -9 of each service in the middle of sagas: after a restart, the same end state, nothing doubled."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from alpes.settings import SERVICES
from tests.e2e.api import Api, campaign_body
from tests.e2e.conftest import Platform


@pytest.fixture(scope="module")
def platform_settings() -> dict[str, str]:
    return {"SAGA_DEADLINE_SECONDS": "120"}


@pytest.fixture
async def api(platform: Platform) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(timeout=30) as client:
        yield Api(platform, client)


@pytest.mark.parametrize("victim", list(SERVICES))
async def test_kill_9_mid_saga_then_restart_reaches_the_same_end_state(
    api: Api, platform: Platform, victim: str
) -> None:
    bodies = [campaign_body() for _ in range(5)]
    campaigns = await asyncio.gather(*(api.create_campaign(b) for b in bodies))
    platform[
        victim
    ].kill9()  # sagas are in flight: events in the outbox, on the broker, in handlers
    platform[victim].start()
    platform[victim].wait_ready()

    for body, campaign in zip(bodies, campaigns, strict=True):
        saga = await api.wait_saga(campaign["id"], "completada", timeout=90)
        eventos = [e["evento"] for e in saga["linea_de_tiempo"]]
        for name in (
            "PresupuestoReservado",
            "InfluencersAsignados",
            "TrackingHabilitado",
            "CampanaConfirmada",
        ):
            assert eventos.count(name) == 1, eventos
        brand = await api.brand(body["marca"]["id_marca"])
        assert float(brand["presupuesto_reservado"]) == 15000, "reserved once"
        for influencer in body["influencers"]:
            assert (await api.influencer_by_name(influencer["nombre"]))["campanas_activas"] == 1
        assert len(await api.codes(campaign["id"])) == 2
