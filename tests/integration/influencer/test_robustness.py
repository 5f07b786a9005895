"""Capacity under concurrency, and a reaction that keeps failing."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import pytest
from sqlalchemy import text

import contracts as c
from alpes.messaging import AvroCodec
from faststream_pulsar import PulsarBroker
from tests.helpers import eventually
from tests.integration.conftest import EventProbe, RunningService, StartService
from tests.integration.support import filas, procesado

from .conftest import campana_creada, nuevo_id, outbox_vacio, por_nombre, uno

ANA = ("Ana García", "Instagram")
CARLOS = ("Carlos López", "TikTok")


async def test_concurrent_sagas_for_the_same_influencers_never_exceed_the_maximum(
    start_service: StartService, probe: EventProbe, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    influencer = await start_service("influencer", influencer_max_campanas=3)
    campanas = [nuevo_id() for _ in range(10)]
    peak = 0
    done = asyncio.Event()

    async def watch() -> None:
        nonlocal peak
        while not done.is_set():
            rows = await filas(influencer, "SELECT max(campanas_activas) AS m FROM influencers")
            peak = max(peak, rows[0].m or 0)
            await asyncio.sleep(0.005)

    watcher = asyncio.create_task(watch())
    try:
        # both influencers are unknown: the ten sagas also race to register them
        await asyncio.gather(
            *(probe.publish(campana_creada(id_, [ANA, CARLOS])) for id_ in campanas)
        )

        def outcomes() -> bool:
            return all(
                probe.of(c.InfluencersAsignados, id_)
                or probe.of(c.AsignacionInfluencersRechazada, id_)
                for id_ in campanas
            )

        await eventually(outcomes, timeout=60, message="every saga got its outcome")
    finally:
        done.set()
        await watcher

    assigned = [id_ for id_ in campanas if probe.of(c.InfluencersAsignados, id_)]
    rejected = [id_ for id_ in campanas if probe.of(c.AsignacionInfluencersRechazada, id_)]
    assert (len(assigned), len(rejected)) == (3, 7)
    assert not set(assigned) & set(rejected)
    assert peak <= 3
    rows = await filas(
        influencer, "SELECT nombre, campanas_activas FROM influencers ORDER BY nombre"
    )
    assert [(r.nombre, r.campanas_activas) for r in rows] == [
        ("Ana García", 3),
        ("Carlos López", 3),
    ]
    estados = await filas(
        influencer, "SELECT estado, count(*) AS n FROM asignaciones GROUP BY estado ORDER BY estado"
    )
    assert [(r.estado, r.n) for r in estados] == [("asignada", 3), ("rechazada", 7)]
    await outbox_vacio(influencer)
    assert all(
        len(probe.of(c.InfluencersAsignados, id_) + probe.of(c.AsignacionInfluencersRechazada, id_))
        == 1
        for id_ in campanas
    )
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert failures == [], "no attempt failed (no deadlock, no conflict, no retry)"


FAIL_ASSIGNMENTS = [
    """CREATE FUNCTION fallar_asignacion() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NEW.estado = 'asignada' THEN RAISE EXCEPTION 'fallo inyectado'; END IF;
         RETURN NEW;
       END $$""",
    """CREATE TRIGGER fallar_asignacion BEFORE INSERT ON asignaciones
       FOR EACH ROW EXECUTE FUNCTION fallar_asignacion()""",
]


async def test_a_failing_reaction_rolls_back_is_dead_lettered_and_rejects_technically(
    influencer: RunningService, probe: EventProbe, pulsar_lite: object, namespace: str
) -> None:
    # a real failure inside the reaction's transaction, after it registered and counted
    async with influencer.service.db.engine.begin() as conn:
        for sql in FAIL_ASSIGNMENTS:
            await conn.execute(text(sql))
    source = c.topic("afiliaciones", namespace)
    inspector = PulsarBroker(pulsar_lite.url, codec=AvroCodec())  # type: ignore[attr-defined]
    dlq = inspector.subscriber(
        c.dead_letter_topic(source, c.subscription("influencer")),
        subscription="inspect",
        initial_position="Earliest",
    )
    id_campana = nuevo_id()
    creada = campana_creada(id_campana, [ANA])

    async with contextlib.AsyncExitStack() as stack:
        await stack.enter_async_context(inspector)
        await inspector.start()
        await probe.publish(creada)

        dead = await dlq.get_one(timeout=60)
        assert dead is not None, "the message reached the dead-letter topic"
        decoded = await dead.decode()
        assert decoded is not None
        assert decoded.id_evento == creada.id_evento
        await dead.ack()

    rechazo = await uno(probe, c.AsignacionInfluencersRechazada, id_campana)
    assert rechazo.tecnico is True
    assert rechazo.id_saga == creada.id_saga
    assert rechazo.motivo
    # every attempt rolled back: no influencer, no assignment, no inbox row, no other event
    assert await por_nombre(influencer, ANA[0]) is None
    rows = await filas(
        influencer, "SELECT estado FROM asignaciones WHERE id_campana = :id", id=id_campana
    )
    assert [r.estado for r in rows] == ["rechazada"]
    assert await filas(influencer, "SELECT 1 FROM inbox") == []
    await outbox_vacio(influencer)
    assert influencer.service.relay.published == 1
    assert probe.of(c.InfluencersAsignados, id_campana) == []

    # the consumer still works, and a late redelivery of the same campaign changes nothing
    async with influencer.service.db.engine.begin() as conn:
        await conn.execute(text("DROP TRIGGER fallar_asignacion ON asignaciones"))
    otra = nuevo_id()
    await probe.publish(campana_creada(otra, [ANA]))
    await uno(probe, c.InfluencersAsignados, otra)
    again = campana_creada(id_campana, [ANA])
    await probe.publish(again)
    await procesado(influencer, again)
    await outbox_vacio(influencer)
    assert influencer.service.relay.published == 2
