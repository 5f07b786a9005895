"""PostgreSQL (the whole server) restarted under a steady saga load.

The platform runs on its own embedded PostgreSQL so the rest of the suite is unaffected. Every
connection of every service is cut at once and refused while the server is down; clients retry
their requests with the same ``Idempotency-Key``. Every saga ends confirmed or compensated with
exact budgets, capacities and tracking, each request made exactly one campaign.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from alpes.infra import EmbeddedPostgres
from tests.faults.support import FaultApi, SagaLoad, load_summary
from tests.helpers import serving

RATE = 4  # sagas per second
DOWN_SECONDS = 3  # how long the server stays down each time
RESTARTS = 2


@pytest.fixture(scope="module")
def platform_postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedPostgres]:
    """The platform's own PostgreSQL, the one this test restarts."""
    yield from serving(EmbeddedPostgres.start, tmp_path_factory.mktemp("pg-restart") / "postgres")


async def test_postgres_restarted_under_a_steady_saga_load(
    api: FaultApi, platform_postgres: EmbeddedPostgres
) -> None:
    load = await SagaLoad.warmed_up(api, per_second=RATE)
    for _ in range(RESTARTS):
        await asyncio.to_thread(platform_postgres.stop_server)
        await api.wait_ready("afiliaciones", 503)
        await load.run_for(DOWN_SECONDS)
        await asyncio.to_thread(platform_postgres.start_server)
        await load.run_for(3)
    sagas, recovered_in = await load.settle(timeout=90)

    # while PostgreSQL was down, requests were answered 503 with Retry-After, never a 500
    assert set(api.retried) <= {"503"}, api.retried
    assert api.retried["503"] >= 1, "no request met the restarts"
    await load_summary(
        api,
        "postgres-restart",
        sagas,
        recovered_in,
        faults=f"postgres-server-stopped-{DOWN_SECONDS}s-x{RESTARTS}-under-{RATE}-sagas/s",
        also_checked=(f"{api.retried['503']}-requests-retried-after-503",),
    )
