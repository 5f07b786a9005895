"""A dead-lettered message (a permanent failure, fixed by a deploy) replayed with the CLI.

marca runs with a bug (``INJECT_FAULTS=CampanaCancelada:permanent``): the cancellation of a
confirmed campaign is dead-lettered at once, the brand keeps its reservation and the saga stays
``compensando``, counted in ``atascadas``. The deploy (marca restarted without the fault) does
not touch the dead letter; ``alpes dead-letters replay --all --service marca`` does: the
reservation is released once and the saga ends ``compensada``.

afiliaciones' sweeper re-sends unanswered cancellations too; to show that the replay alone
releases the budget, afiliaciones is paused (SIGSTOP) from the deploy until marca has released.
"""

from __future__ import annotations

import asyncio
import re
import signal
from typing import Any

import pytest

from tests.e2e.api import campaign_body
from tests.e2e.conftest import Platform, ServiceProcess
from tests.faults.support import FaultApi, check_sagas_and_stats, summary
from tests.helpers import eventually


@pytest.fixture(scope="module")
def service_settings() -> dict[str, dict[str, str]]:
    return {"marca": {"INJECT_FAULTS": "CampanaCancelada:permanent"}}


@pytest.fixture(scope="module")
def platform_settings() -> dict[str, str]:
    return {"SAGA_GRACE_SECONDS": "3"}


def _deploy(marca: ServiceProcess) -> None:
    """The fix goes out: marca restarted without the fault."""
    marca.stop()
    marca.env.pop("INJECT_FAULTS")
    marca.start()
    marca.wait_ready()


def _signal(service: ServiceProcess, sig: signal.Signals) -> None:
    assert service.process is not None
    service.process.send_signal(sig)


async def test_dead_letter_of_a_permanent_failure_replayed_after_the_fix(
    api: FaultApi, platform: Platform
) -> None:
    started = await api.start_saga(campaign_body(presupuesto=1000))
    await api.wait_terminal([started], timeout=45)
    assert (await api.saga(started.id))["estado_saga"] == "completada"
    assert float((await api.brand(started.id_marca))["presupuesto_reservado"]) == 1000

    assert (await api.cancel(started))["estado"] == "cancelada"

    async def dead_lettered() -> list[dict[str, Any]]:
        letters = await api.dead_letter_list("marca")
        return [d for d in letters if d["event_type"] == "CampanaCancelada"]

    letters = await eventually(dead_lettered, timeout=30, interval=1, message="a dead letter")
    assert all("permanent" in d["reason"] for d in letters), letters

    async def stuck() -> bool:
        return bool((await api.stats()).get("atascadas", 0) >= 1)

    await eventually(stuck, timeout=30, interval=0.5, message="atascadas 1")
    assert (await api.saga(started.id))["estado_saga"] == "compensando"
    assert float((await api.brand(started.id_marca))["presupuesto_reservado"]) == 1000

    afiliaciones = platform["afiliaciones"]
    _signal(afiliaciones, signal.SIGSTOP)  # no re-sent cancellation until marca has released
    try:
        await asyncio.to_thread(_deploy, platform["marca"])
        brand = await api.brand(started.id_marca)
        assert float(brand["presupuesto_reservado"]) == 1000, "the deploy alone released it"
        out = await api.dead_letters("replay", "--all", "--service", "marca")
        replayed = re.search(r"(\d+) replayed", out)
        assert replayed and int(replayed.group(1)) >= 1, out

        async def released() -> bool:
            brand = await api.brand(started.id_marca)
            return float(brand["presupuesto_reservado"]) == 0

        await eventually(released, timeout=30, interval=0.2, message="budget released")
    finally:
        _signal(afiliaciones, signal.SIGCONT)

    await api.wait_terminal([started], timeout=30, compensated=True)
    # released once, capacities, tracking; atascadas back to 0
    verdict = await check_sagas_and_stats(api, [started])
    for letter in await api.dead_letter_list("marca"):
        verdict.lost.append(f"still dead-lettered after the replay: {letter}")
    summary(
        "dead-letter-replay",
        sagas=1,
        faults=f"marca-CampanaCancelada-permanent({len(letters)}-dead-lettered)"
        "+deploy(restart-without-fault)",
        checked=f"listed,atascadas-1,reservation-kept-after-deploy,replayed-{replayed.group(1)},"
        f"{verdict.figures},released-once,dead-letters-empty",
        verdict=verdict,
    )
