"""The outbox relay under replicas and faults (issue 7, item 5), on PostgreSQL and pulsar-lite.

marca is the service under test (any service's relay is the same ``alpes.outbox``); a second
"replica" is a second ``Database`` (and relay) on the same database. Events are
``PresupuestoReservado`` with their sequence number in ``monto``, keyed by campaign.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sqlalchemy import text

import contracts as c
from alpes.db import Database
from alpes.failures import FailurePolicy
from alpes.messaging import AvroCodec, make_broker
from alpes.outbox import OutboxRelay
from faststream_pulsar import PulsarBroker, SubscriptionType
from marca_svc.adapters.orm import metadata
from tests.helpers import envoltura, eventually, started
from tests.integration.conftest import RunningService, StartService


class Consumer:
    """An exclusive subscription to marca's topic: what a downstream service receives, in order."""

    def __init__(self, url: str, namespace: str) -> None:
        self.broker = PulsarBroker(url, codec=AvroCodec(), logger=None)
        self.received: list[c.PresupuestoReservado] = []
        self.broker.subscriber(
            c.topic("marca", namespace),
            subscription=f"consumidor-{uuid.uuid4().hex[:6]}",
            subscription_type=SubscriptionType.EXCLUSIVE,
            initial_position="Earliest",
        )(self._collect)

    async def _collect(self, event: Any) -> None:
        self.received.append(event)

    def ids(self) -> set[str]:
        return {e.id_evento for e in self.received}

    def first_seen_per_key(self) -> dict[str, list[int]]:
        """Each campaign's sequence numbers in the order they first arrived (the inbox of a
        consumer drops a duplicate, so this is the order it acts in)."""
        seen: set[str] = set()
        per_key: dict[str, list[int]] = {}
        for event in self.received:
            if event.id_evento not in seen:
                seen.add(event.id_evento)
                per_key.setdefault(event.id_campana, []).append(int(event.monto))
        return per_key


@pytest.fixture
async def consumer(pulsar_lite: Any, namespace: str) -> AsyncIterator[Consumer]:
    consumer = Consumer(pulsar_lite.url, namespace)
    async with started(consumer.broker):
        yield consumer


def evento(id_campana: str, secuencia: int) -> c.PresupuestoReservado:
    return c.PresupuestoReservado(
        **envoltura(id_campana, id_correlacion=f"relay-{uuid.uuid4().hex[:6]}"),
        id_marca="m-relay",
        monto=float(secuencia),
    )


async def commit(db: Database, eventos: list[c.PresupuestoReservado]) -> None:
    """Commit ``eventos`` to the outbox, one transaction each (as handlers do)."""
    for e in eventos:
        async with db.unit_of_work() as uow:
            await uow.publish(e)


def por_campana(campanas: list[str], desde: int, hasta: int) -> list[c.PresupuestoReservado]:
    """Events ``desde``..``hasta - 1`` of each campaign, interleaved across campaigns."""
    return [evento(k, i) for i in range(desde, hasta) for k in campanas]


@asynccontextmanager
async def replica(svc: RunningService) -> AsyncIterator[Database]:
    """Another replica's database access: its own engine on the same database."""
    db = Database.connect(
        svc.settings.database_url, metadata, pool_size=3, namespace=svc.settings.topic_namespace
    )
    try:
        yield db
    finally:
        await db.engine.dispose()


@asynccontextmanager
async def running(relay: OutboxRelay) -> AsyncIterator[OutboxRelay]:
    task = asyncio.create_task(relay.run())
    try:
        yield relay
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def stop_relay_of(svc: RunningService) -> None:
    """Stop the service's own relay (this replica then relays nothing)."""
    for task in svc.service.tasks:
        if task.get_name() == "OutboxRelay.run":
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    assert not svc.service.relay.is_leader


async def pendientes(db: Database) -> int:
    async with db.engine.connect() as conn:
        return int((await conn.execute(text("SELECT count(*) FROM outbox"))).scalar_one())


async def test_a_leader_that_lost_its_lock_publishes_nothing_more_and_another_takes_over(
    start_service: StartService, consumer: Consumer
) -> None:
    # the deposed leader waits at least 5 s before it runs for election again
    marca = await start_service("marca", retry_initial_ms=5000)
    a = marca.service.relay
    await eventually(lambda: a.is_leader, message="marca's relay leads")
    campanas = [f"campana-{i}" for i in range(4)]

    async with replica(marca) as db_b:
        broker_b = make_broker(marca.settings)
        await broker_b.start()
        b = OutboxRelay(db_b, broker_b, name="marca", poll_interval=0.05)
        try:
            async with running(b):
                antes = por_campana(campanas, 0, 5)
                await commit(marca.service.db, antes)
                await eventually(
                    lambda: {e.id_evento for e in antes} <= consumer.ids(),
                    message="the first events arrived",
                )
                assert not b.is_leader and b.published == 0, "one leader at a time"
                publicados_por_a = a.published

                # an operator (or a network fault) kills the leader's lock connection
                async with marca.service.db.engine.connect() as conn:
                    terminated = await conn.execute(
                        text(
                            "SELECT pg_terminate_backend(pid) FROM pg_locks"
                            " WHERE locktype = 'advisory' AND objid = CAST(:k AS oid)"
                            " AND objsubid = 1 AND granted AND database = ("
                            "   SELECT oid FROM pg_database WHERE datname = current_database())"
                        ),
                        {"k": a.lock_key},
                    )
                    assert terminated.scalars().all() == [True]
                await eventually(lambda: b.is_leader, message="the other relay took over")

                # committed in the deposed leader's own process: its in-process wake fires
                despues = por_campana(campanas, 5, 15)
                await commit(marca.service.db, despues)
                await eventually(
                    lambda: {e.id_evento for e in despues} <= consumer.ids(),
                    message="every event committed after the takeover arrived",
                )
                assert await pendientes(marca.service.db) == 0
                assert a.published == publicados_por_a, "the deposed leader published nothing"
                assert not a.is_leader
                assert b.published == len(despues)
                assert consumer.first_seen_per_key() == {k: list(range(15)) for k in campanas}
        finally:
            await broker_b.stop()


async def test_a_commit_in_another_replica_wakes_the_leader_at_once(
    start_service: StartService, consumer: Consumer
) -> None:
    marca = await start_service("marca", outbox_poll_interval_ms=60_000)
    await eventually(lambda: marca.service.relay.is_leader, message="marca's relay leads")

    async with replica(marca) as otra:
        eventos = por_campana(["campana-lejana"], 0, 3)
        await commit(otra, eventos)
        # far below the 60 s poll: only the NOTIFY of the other replica's commit wakes it
        await eventually(
            lambda: [int(e.monto) for e in consumer.received] == [0, 1, 2],
            timeout=5,
            message="the other replica's events arrived",
        )
    assert marca.service.relay.published == 3


def _lineas(caplog: pytest.LogCaptureFixture, level: int, contains: str) -> list[logging.LogRecord]:
    return [
        r
        for r in caplog.records
        if r.name == "alpes.outbox" and r.levelno == level and contains in r.getMessage()
    ]


async def test_a_broker_outage_is_one_warning_per_attempt_and_lag_shows_in_ready(
    start_service: StartService, consumer: Consumer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="alpes.outbox")
    marca = await start_service("marca")
    await stop_relay_of(marca)

    async with replica(marca) as db:
        broker = make_broker(marca.settings)  # not started: the broker is down
        relay = OutboxRelay(
            db,
            broker,
            name="marca",
            poll_interval=0.05,
            failures=FailurePolicy(initial=0.05, cap=0.2),
            lag_warning_seconds=5,
            lag_check_interval=0.05,
        )
        try:
            async with running(relay):
                await eventually(lambda: relay.is_leader, message="the relay leads")
                retenido = evento("campana-retenida", 7)
                await commit(marca.service.db, [retenido])
                async with marca.service.db.engine.begin() as conn:  # committed 10 s ago
                    await conn.execute(
                        text("UPDATE outbox SET created_at = now() - interval '10 s'")
                    )

                fallos = await eventually(
                    lambda: (
                        lines
                        if len(lines := _lineas(caplog, logging.WARNING, "publishing failed")) >= 4
                        else None
                    ),
                    message="four failed attempts",
                )
                assert all(r.exc_info is None for r in fallos), "no traceback per attempt"
                await eventually(
                    lambda: _lineas(caplog, logging.WARNING, "outbox lag:"), message="lag warning"
                )

                response = await marca.http.get("/ready")
                assert response.status_code == 200, "lag does not make the service unready"
                body = response.json()
                assert body["status"] == "ready"
                assert body["checks"] and all(body["checks"].values())
                assert body["details"]["outbox"]["pendientes"] == 1
                assert body["details"]["outbox"]["antiguedad_s"] >= 10

                # the broker is back: the row leaves, the lag is over
                await broker.start()
                await eventually(
                    lambda: retenido.id_evento in consumer.ids(), message="the held event arrived"
                )
                await eventually(
                    lambda: _lineas(caplog, logging.INFO, "outbox lag back under"),
                    message="lag over",
                )
                assert len(_lineas(caplog, logging.WARNING, "outbox lag:")) == 1, (
                    "once per crossing"
                )
                response = await marca.http.get("/ready")
                assert response.json()["details"]["outbox"] == {"pendientes": 0, "antiguedad_s": 0}
        finally:
            await broker.stop()
