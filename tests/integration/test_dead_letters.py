"""Dead letters are kept and can be replayed (``alpes dead-letters``), on marca's compensation.

A cancellation that marca cannot handle (a bug) is dead-lettered and the budget stays
reserved; after the fix is deployed, replaying the dead letter releases it. The replay is the
same message (payload and properties) on the origin topic, and it is no longer listed.
"""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest
from faststream import Context

import contracts as c
from alpes.dead_letters import DeadLetter, list_dead_letters, replay
from alpes.infra import PulsarLite
from alpes.settings import Settings
from faststream_pulsar import PulsarBroker, PulsarMessage
from marca_svc.adapters.repository import ReservaRepository
from tests.conftest import ROOT
from tests.helpers import eventually, started
from tests.integration.conftest import EventProbe, RunningService, StartService
from tests.integration.marca.conftest import cancelada, creada, registrar, ver


@dataclass
class Copy:
    body: bytes
    headers: dict[str, Any]


class Witness:
    """Every raw message of afiliaciones' topic, on its own subscription."""

    def __init__(self, url: str, namespace: str) -> None:
        self.broker = PulsarBroker(url, logger=None)
        self.copies: list[Copy] = []

        @self.broker.subscriber(
            c.topic("afiliaciones", namespace),
            subscription="testigo",
            initial_position="Earliest",
        )
        async def keep(message: PulsarMessage = Context()) -> None:
            self.copies.append(Copy(message.body, dict(message.headers)))

    def of(self, id_evento: str) -> list[Copy]:
        return [x for x in self.copies if x.headers.get("message_id") == id_evento]


@pytest.fixture
async def witness(pulsar_lite: PulsarLite, namespace: str) -> AsyncIterator[Witness]:
    w = Witness(pulsar_lite.url, namespace)
    async with started(w.broker):
        yield w


@pytest.fixture
def settings(pulsar_lite: PulsarLite, namespace: str) -> Settings:
    """What the command reads from its environment."""
    return Settings(pulsar_url=pulsar_lite.url, topic_namespace=namespace)


async def listed(settings: Settings) -> list[DeadLetter]:
    return await asyncio.to_thread(list_dead_letters, settings, "marca")


async def alpes(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    """The ``alpes`` command as an operator runs it (the services keep running meanwhile)."""
    env = {
        **os.environ,
        "PULSAR_URL": settings.pulsar_url,
        "TOPIC_NAMESPACE": settings.topic_namespace,
    }
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "alpes.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def reserved_and_cancelled_while_broken(
    marca: RunningService, probe: EventProbe, monkeypatch: pytest.MonkeyPatch, n: int = 1
) -> tuple[dict[str, Any], list[c.CampanaCancelada]]:
    """A brand with ``n`` campaigns of 100 reserved, whose cancellations marca fails on."""
    nike = await registrar(marca, presupuesto_total=1000)
    campaigns = [creada(nike["id_marca"], 100.0) for _ in range(n)]
    for campaign in campaigns:
        await probe.publish(campaign)
    await eventually(
        lambda: all(probe.of(c.PresupuestoReservado, x.id_campana) for x in campaigns),
        message="reserved",
    )

    async def broken(self: ReservaRepository, id_campana: str) -> None:
        raise RuntimeError("un error que el próximo despliegue corrige")

    monkeypatch.setattr(ReservaRepository, "lock", broken)
    cancellations = [cancelada(x) for x in campaigns]
    for cancellation in cancellations:
        await probe.publish(cancellation)
    return nike, cancellations


async def test_a_dead_letter_is_listed_and_replayed_to_its_origin_then_handled(
    start_service: StartService,
    probe: EventProbe,
    witness: Witness,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    marca = await start_service("marca")  # max_redeliveries=2: three deliveries
    before = datetime.now(UTC)
    nike, [cancellation] = await reserved_and_cancelled_while_broken(marca, probe, monkeypatch)

    [dead] = await eventually(partial(listed, settings), timeout=30, message="listed")
    assert (dead.service, dead.subscription, dead.event_type, dead.id) == (
        "marca", "marca", "CampanaCancelada", cancellation.id_evento
    )  # fmt: skip
    assert dead.topic == c.topic("afiliaciones", settings.topic_namespace)
    assert "RuntimeError" in dead.reason
    assert dead.attempts == 3
    assert dead.first_failure is not None and before <= dead.first_failure <= datetime.now(UTC)
    assert (await ver(marca, nike["id_marca"]))["presupuesto_reservado"] == 100.0  # stranded

    shown = await alpes(settings, "dead-letters", "list", "--service", "marca")
    assert shown.returncode == 0, shown.stderr
    [header, row] = shown.stdout.splitlines()
    assert header.split()[:4] == ["SERVICE", "TOPIC", "EVENT", "ID"]
    assert row.split()[:4] == [
        "marca", "alpes.afiliaciones.eventos", "CampanaCancelada", cancellation.id_evento
    ]  # fmt: skip
    assert row.split()[-1] == "3"
    assert "RuntimeError" in row

    monkeypatch.undo()  # the fix is deployed
    result = await asyncio.to_thread(replay, settings, {cancellation.id_evento}, "marca")

    assert [x.id for x in result.replayed] == [cancellation.id_evento] and result.ok
    await eventually(partial(_reserved, marca, nike["id_marca"], 0.0), message="released")
    [published, replayed] = await eventually(
        lambda: witness.of(cancellation.id_evento)[1:] and witness.of(cancellation.id_evento),
        message="the replay on afiliaciones' topic",
    )
    assert (replayed.body, replayed.headers) == (published.body, published.headers)
    assert await listed(settings) == []
    [liberado] = await eventually(
        lambda: probe.of(c.PresupuestoLiberado, cancellation.id_campana), message="liberado"
    )
    assert liberado.monto == 100.0


async def test_a_replay_before_the_fix_returns_and_leaves_the_letter_for_the_next_one(
    start_service: StartService,
    probe: EventProbe,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Replayed while the cause is still there, the letter fails again and comes back: the
    replay ends (it does not chase it round and round), and the letter is listed again."""
    marca = await start_service("marca")
    nike, [cancellation] = await reserved_and_cancelled_while_broken(marca, probe, monkeypatch)
    await eventually(partial(listed, settings), timeout=30, message="listed")

    # the idle wait outlasts the service's three deliveries, so the letter comes back in time
    result = await asyncio.wait_for(
        asyncio.to_thread(replay, settings, None, "marca", idle_seconds=5), timeout=90
    )

    assert [x.id for x in result.replayed] == [cancellation.id_evento]
    [again] = await eventually(partial(listed, settings), timeout=30, message="back")
    assert again.id == cancellation.id_evento
    assert (await ver(marca, nike["id_marca"]))["presupuesto_reservado"] == 100.0


async def test_replay_all_from_the_command_line_releases_every_stranded_budget(
    start_service: StartService,
    probe: EventProbe,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    marca = await start_service("marca")
    nike, cancellations = await reserved_and_cancelled_while_broken(marca, probe, monkeypatch, 3)
    await eventually(partial(_count, settings, 3), timeout=30, message="three dead letters")
    monkeypatch.undo()

    done = await alpes(settings, "dead-letters", "replay", "--all", "--service", "marca")

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "3 replayed"
    await eventually(partial(_reserved, marca, nike["id_marca"], 0.0), message="all released")
    assert await listed(settings) == []
    again = await alpes(settings, "dead-letters", "replay", cancellations[0].id_evento)
    assert again.returncode == 1
    assert f"no dead letter {cancellations[0].id_evento}" in again.stderr


async def test_a_dead_letter_written_while_no_one_reads_the_topic_is_there_later(
    start_service: StartService,
    probe: EventProbe,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Nobody reads the dead-letter topic while marca writes to it; it is there afterwards,
    listing it acknowledges nothing, and a replay past the replay horizon is refused."""
    caplog.set_level(logging.ERROR, logger="faststream_pulsar")
    marca = await start_service("marca")
    _, [cancellation] = await reserved_and_cancelled_while_broken(marca, probe, monkeypatch)
    await eventually(
        lambda: [r for r in caplog.records if r.getMessage().startswith("dead-lettered")],
        timeout=30,
        message="dead-lettered",
    )

    assert [x.id for x in await listed(settings)] == [cancellation.id_evento]
    assert [x.id for x in await listed(settings)] == [cancellation.id_evento]

    # past the replay horizon the inbox may have forgotten it: refused, and kept
    later = datetime.now(UTC) + timedelta(days=settings.dead_letter_replay_days, hours=1)
    refused = await asyncio.to_thread(replay, settings, None, "marca", now=later)
    assert ([x.id for x in refused.too_old], refused.replayed, refused.ok) == (
        [cancellation.id_evento], [], False
    )  # fmt: skip
    assert [x.id for x in await listed(settings)] == [cancellation.id_evento]


async def _reserved(marca: RunningService, id_marca: str, amount: float) -> bool:
    return bool((await ver(marca, id_marca))["presupuesto_reservado"] == amount)


async def _count(settings: Settings, n: int) -> bool:
    return len(await listed(settings)) == n
