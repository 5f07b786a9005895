"""A compensation handler failing transiently N times, then succeeding.

marca's reaction to ``CampanaCancelada`` (the budget release) raises a transient error on its
first three attempts (``INJECT_FAULTS``). With ``MAX_REDELIVERIES=1``, a consumer that counted
those attempts as redeliveries would dead-letter the release; retried in-process it succeeds
on the fourth: the saga ends ``compensada``, the budget is released once, no dead letter.
"""

from __future__ import annotations

import pytest

from tests.e2e.api import campaign_body
from tests.e2e.conftest import Platform
from tests.faults.support import FaultApi, check_sagas_and_stats, summary

FAILURES = 3


@pytest.fixture(scope="module")
def service_settings() -> dict[str, dict[str, str]]:
    return {"marca": {"INJECT_FAULTS": f"CampanaCancelada:transient:{FAILURES}"}}


@pytest.fixture(scope="module")
def platform_settings() -> dict[str, str]:
    return {"MAX_REDELIVERIES": "1"}


async def test_compensation_failing_transiently_then_succeeding_releases_once(
    api: FaultApi, platform: Platform
) -> None:
    sagas = [await api.start_saga(campaign_body(presupuesto=1000)) for _ in range(3)]
    await api.wait_terminal(sagas, timeout=45)
    for started in sagas:
        assert (await api.saga(started.id))["estado_saga"] == "completada"
        assert float((await api.brand(started.id_marca))["presupuesto_reservado"]) == 1000
        await api.cancel(started)

    await api.wait_terminal(sagas, timeout=60, compensated=True)
    verdict = await check_sagas_and_stats(api, sagas)
    for started in sagas:  # each release failed FAILURES times before it went through
        id_saga = started.campaign["id_saga"]
        warnings = [
            line
            for line in platform["marca"].log_path.read_text(errors="replace").splitlines()
            if "WARNING" in line
            and "transient failure of CampanaCancelada" in line
            and id_saga in line
        ]
        assert len(warnings) == FAILURES, (id_saga, warnings)
    dead = await api.dead_letter_list("marca")
    for letter in dead:
        verdict.lost.append(f"dead-lettered: {letter}")
    summary(
        "transient-compensation",
        sagas=len(sagas),
        faults=f"marca-CampanaCancelada-transient-x{FAILURES}-per-saga(MAX_REDELIVERIES=1)",
        checked=f"{verdict.figures},budget-released-once,capacities+tracking+timelines,"
        f"{FAILURES}-warnings-per-saga,dead-letters-empty",
        verdict=verdict,
    )
