"""The broker stopped for 30 s under a saga load, then started again on the same port and data.

The platform runs on its own pulsar-lite so the rest of the suite is unaffected. Campaigns keep
being accepted while the broker is away (the outbox holds their events); when it is back every
saga ends in a terminal state with exact budgets, capacities and tracking: nothing lost, nothing
doubled.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from alpes.infra import PulsarLite
from tests.e2e.conftest import PlatformBroker
from tests.faults.support import FaultApi, SagaLoad, load_summary
from tests.helpers import serving

RATE = 2  # sagas per second
OUTAGE_SECONDS = 30


@pytest.fixture(scope="module")
def own_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PulsarLite]:
    yield from serving(PulsarLite.start, tmp_path_factory.mktemp("broker-outage") / "pulsar-lite")


@pytest.fixture(scope="module")
def platform_broker(own_broker: PulsarLite) -> PlatformBroker:
    return PlatformBroker(own_broker.url)


async def test_broker_stopped_for_30_s_under_load_then_back(
    api: FaultApi, own_broker: PulsarLite
) -> None:
    load = await SagaLoad.warmed_up(api, per_second=RATE)
    before = len(load.requests)
    own_broker.stop()
    try:
        await load.run_for(OUTAGE_SECONDS)
    finally:
        during = len(load.requests) - before
        await asyncio.to_thread(own_broker.launch)
    await load.run_for(3)
    sagas, recovered_in = await load.settle(timeout=150)

    assert not api.retried, f"campaigns are accepted while the broker is away: {api.retried}"
    await load_summary(
        api,
        "broker-outage",
        sagas,
        recovered_in,
        faults=f"broker-stopped-{OUTAGE_SECONDS}s-under-{RATE}-sagas/s({during}-started-during-it)",
    )
