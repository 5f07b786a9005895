"""kill -9 of each service in the middle of sagas: after a restart, the same end state, nothing doubled.

These run on Apache Pulsar: pulsar-lite 0.2.0 never forgets the consumers of a connection
that was reset, so a service restarted after kill -9 cannot subscribe again (the
conformance test ``test_consumers_of_a_killed_process_are_released`` shows it).
"""

from __future__ import annotations

import asyncio

import pytest

from alpes.settings import SERVICES
from tests.conftest import ApachePulsar
from tests.e2e.api import Api, assert_confirmed_once, campaign_body
from tests.e2e.conftest import Platform, PlatformBroker


@pytest.fixture(scope="module")
def platform_broker(apache_pulsar: ApachePulsar) -> PlatformBroker:
    return PlatformBroker(apache_pulsar.url, apache_pulsar.create_namespace)


@pytest.fixture(scope="module")
def platform_settings() -> dict[str, str]:
    return {"SAGA_DEADLINE_SECONDS": "120"}


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
        assert_confirmed_once(saga)
        brand = await api.brand(body["marca"]["id_marca"])
        assert float(brand["presupuesto_reservado"]) == 15000, "reserved once"
        for influencer in body["influencers"]:
            assert (await api.influencer_by_name(influencer["nombre"]))["campanas_activas"] == 1
        assert len(await api.codes(campaign["id"])) == 2
