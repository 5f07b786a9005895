"""kill -9 of each service in the middle of sagas: after a restart, the same end state, nothing doubled.

These run on Apache Pulsar: pulsar-lite 0.2.0 never forgets the consumers of a connection
that was reset, so a service restarted after kill -9 cannot subscribe again (the
conformance test ``test_consumers_of_a_killed_process_are_released`` shows it).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from alpes.infra import EmbeddedPostgres
from alpes.settings import SERVICES
from tests.conftest import ApachePulsar
from tests.e2e.api import Api, campaign_body
from tests.e2e.conftest import Platform, launch_platform


@pytest.fixture(scope="module")
def platform(
    postgres: EmbeddedPostgres,
    apache_pulsar: ApachePulsar,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Platform]:
    running = launch_platform(
        postgres,
        apache_pulsar.url,
        tmp_path_factory.mktemp("logs"),
        apache_pulsar.create_namespace,
        SAGA_DEADLINE_SECONDS="120",
    )
    yield running
    for service in running.services.values():
        service.stop()


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
