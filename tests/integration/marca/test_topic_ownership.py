"""A consumer accepts an event type only from the topic of the service that owns it.

The broker lets each role publish on its own topic only (deploy/pulsar/grants.txt), so a
``CampanaCancelada`` found on influencer's topic was not published by afiliaciones: marca,
which reads that topic for influencer's failures, logs it and acknowledges it without
releasing anything.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

import contracts as c
from tests.helpers import eventually
from tests.integration.conftest import EventProbe, RunningService
from tests.integration.marca.conftest import barrera, campanas, cancelada, creada


async def test_an_event_on_a_topic_its_owner_does_not_publish_on_is_ignored(
    marca: RunningService,
    probe: EventProbe,
    nike: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="alpes.messaging")
    evento = creada(nike["id_marca"], 600.0)
    await probe.publish(evento)
    await eventually(lambda: probe.of(c.PresupuestoReservado, evento.id_campana))
    foreign_topic = c.topic("influencer", probe.namespace)
    forged = cancelada(evento)

    await probe.broker.publish(forged, foreign_topic, key=forged.id_campana)

    [warning] = await eventually(
        lambda: [r for r in caplog.records if forged.id_evento in r.getMessage()],
        message="the WARNING line of the ignored event",
    )
    assert warning.levelno == logging.WARNING
    assert "CampanaCancelada" in warning.getMessage() and foreign_topic in warning.getMessage()
    await barrera(marca, probe)  # anything marca would have done about it is done by now
    assert (await campanas(marca, nike["id_marca"]))[evento.id_campana]["estado"] == "reservada"
    assert probe.of(c.PresupuestoLiberado, evento.id_campana) == []

    # the same event, from its owner's topic: handled (not a duplicate of the ignored one)
    await probe.publish(forged)
    await eventually(
        lambda: probe.of(c.PresupuestoLiberado, evento.id_campana), message="PresupuestoLiberado"
    )
    assert (await campanas(marca, nike["id_marca"]))[evento.id_campana]["estado"] == "liberada"
