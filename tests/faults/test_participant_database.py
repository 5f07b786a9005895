"""A participant's database refusing connections for 30 s while cancellations of confirmed
campaigns and new sagas arrive (the operator's scenario of issue 7, for each participant).

During the outage the participant is not ready (``/ready`` 503) and its API answers 503 with
``Retry-After``; its reactions wait and retry instead of being dead-lettered. Within a minute of
the database's return every cancelled campaign's saga is ``compensada`` with its reservation
and capacities released once, and the new sagas are confirmed, or, when their deadline passed
during the outage, cancelled and fully compensated.
"""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest

from alpes.infra import EmbeddedPostgres
from tests.e2e.api import campaign_body
from tests.e2e.conftest import Platform
from tests.faults.support import FaultApi, Started, check_sagas, database_of, summary

OUTAGE_SECONDS = 30
RECOVERY_SECONDS = 60  # the promise: compensated within a minute of the return
DEADLINE_SECONDS = 20  # sagas started at the outage's beginning pass it during the outage

# a read on each participant that needs its database
PROBES = {
    "marca": "/marca/marcas",
    "influencer": "/influencer/influencers",
    "tracking": "/tracking/metricas/marca/fault-brand",
}


@pytest.fixture(scope="module")
def platform_settings() -> dict[str, str]:
    return {"SAGA_DEADLINE_SECONDS": str(DEADLINE_SECONDS)}


async def _new_sagas(api: FaultApi, n: int) -> list[Started]:
    bodies = [campaign_body(id_marca=f"fault-{uuid.uuid4()}", presupuesto=1000) for _ in range(n)]
    return list(await asyncio.gather(*(api.start_saga(b) for b in bodies)))


async def _hold_outage(api: FaultApi, victim: str, until: float) -> int:
    """Until ``until``, the victim stays unready: checked once a second. Returns the checks."""
    checks = 0
    while (left := until - time.monotonic()) > 0:
        assert await api.ready(victim) == 503, f"{victim} ready while its database is down"
        checks += 1
        await asyncio.sleep(min(1.0, left))  # the outage's own length, checked every second
    return checks


@pytest.mark.parametrize("victim", ["marca", "influencer", "tracking"])
async def test_participant_database_refusing_connections_for_30_s(
    api: FaultApi, platform: Platform, postgres: EmbeddedPostgres, victim: str
) -> None:
    # the operator's brand: 10,000 in total, 1,000 reserved by a confirmed campaign
    id_marca = f"fault-brand-{uuid.uuid4()}"
    r = await api.post(
        "marca",
        "/marca/marcas",
        {"id_marca": id_marca, "nombre": "fault-brand", "presupuesto_total": 10000},
    )
    assert r.status_code == 201, r.text
    confirmed = [await api.start_saga(campaign_body(id_marca=id_marca, presupuesto=1000))]
    confirmed += await _new_sagas(api, 4)
    await api.wait_terminal(confirmed, timeout=45)
    for started in confirmed:
        assert (await api.saga(started.id))["estado_saga"] == "completada"
    assert float((await api.brand(id_marca))["presupuesto_reservado"]) == 1000

    database = database_of(platform[victim])
    await asyncio.to_thread(postgres.refuse_connections, database)
    down_at = time.monotonic()
    try:
        await api.wait_ready(victim, 503)
        r = await api.get(victim, PROBES[victim])
        assert r.status_code == 503, r.text
        assert "retry-after" in r.headers, r.headers
        for started in confirmed:  # afiliaciones answers: the campaign is cancelled at once
            assert (await api.cancel(started))["estado"] == "cancelada"
        early = await _new_sagas(api, 3)  # their deadline passes while the database is down
        checks = await _hold_outage(api, victim, down_at + OUTAGE_SECONDS / 2)
        late = await _new_sagas(api, 3)  # their deadline comes after the return
        checks += await _hold_outage(api, victim, down_at + OUTAGE_SECONDS)
    finally:
        await asyncio.to_thread(postgres.allow_connections, database)
    back_at = time.monotonic()

    sagas = [*confirmed, *early, *late]
    await api.wait_terminal(confirmed, timeout=RECOVERY_SECONDS, compensated=True)
    await api.wait_terminal(sagas, timeout=RECOVERY_SECONDS - (time.monotonic() - back_at))
    recovered_in = time.monotonic() - back_at
    await api.wait_ready(victim, 200)

    brand = await api.brand(id_marca)  # the operator's check
    assert float(brand["presupuesto_reservado"]) == 0, brand
    assert float(brand["presupuesto_disponible"]) == 10000, brand
    verdict = await check_sagas(api, sagas)
    for letter in await api.dead_letter_list(victim):
        verdict.lost.append(f"dead-lettered during a transient outage: {letter}")
    summary(
        f"participant-db-down[{victim}]",
        sagas=len(sagas),
        faults=f"{victim}-db-refusing-connections-{OUTAGE_SECONDS}s,"
        f"{len(confirmed)}-cancellations+{len(early) + len(late)}-new-sagas-during-it",
        checked=f"{verdict.figures},budgets+capacities+tracking+timelines,"
        f"ready-503-x{checks},no-dead-letters,recovered-in-{recovered_in:.0f}s",
        verdict=verdict,
    )
