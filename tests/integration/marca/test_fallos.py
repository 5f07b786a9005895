"""A reaction that keeps failing: nothing of it stays, the message is dead-lettered, and the
saga hears of the technical failure (docs/saga.md: a saga never waits on a broken consumer)."""

from __future__ import annotations

from typing import Any

import pytest

import contracts as c
from alpes.infra import PulsarLite
from alpes.messaging import AvroCodec
from faststream_pulsar import PulsarBroker
from marca_svc.adapters.repository import MarcaRepository
from marca_svc.domain import Marca
from tests.helpers import eventually
from tests.integration.conftest import EventProbe, StartService
from tests.integration.marca.conftest import (
    barrera,
    campanas,
    creada,
    registrar,
    ver,
)
from tests.integration.support import filas


async def test_a_failing_reservation_rolls_back_and_ends_in_the_dead_letter_topic(
    start_service: StartService,
    probe: EventProbe,
    pulsar_lite: PulsarLite,
    namespace: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    marca = await start_service("marca")  # max_redeliveries=2: three deliveries
    nike = await registrar(marca, presupuesto_total=1000)
    intentos: list[str] = []
    save = MarcaRepository.save

    async def save_and_fail(self: MarcaRepository, m: Marca) -> None:
        await save(self, m)  # after uow.publish: the outbox row and the new budget are written
        intentos.append(m.id_marca)
        raise RuntimeError("el disco se llenó")

    monkeypatch.setattr(MarcaRepository, "save", save_and_fail)
    muertos: list[Any] = []
    dlq = PulsarBroker(pulsar_lite.url, codec=AvroCodec())

    @dlq.subscriber(
        c.dead_letter_topic(c.topic("afiliaciones", namespace), "marca"),
        subscription="prueba",
        initial_position="Earliest",
    )
    async def recoger(evento: Any) -> None:
        muertos.append(evento)

    await dlq.start()
    evento = creada(nike["id_marca"], 300.0)
    try:
        await probe.publish(evento)

        [rechazo] = await eventually(
            lambda: probe.of(c.ReservaPresupuestoRechazada, evento.id_campana), message="rechazo"
        )
        [muerto] = await eventually(lambda: muertos, message="the dead letter")
    finally:
        await dlq.stop()

    assert (rechazo.tecnico, rechazo.id_marca, rechazo.id_saga) == (
        True, nike["id_marca"], evento.id_saga
    )  # fmt: skip
    assert "RuntimeError" in rechazo.motivo
    assert "disco" not in rechazo.motivo  # the error's message stays in the logs
    assert (type(muerto), muerto.id_evento) == (c.CampanaCreada, evento.id_evento)
    assert intentos == [nike["id_marca"]] * 3
    assert await ver(marca, nike["id_marca"]) == nike  # every attempt rolled back
    [proyeccion] = (await campanas(marca, nike["id_marca"])).values()
    assert proyeccion["estado"] == "rechazada"
    assert (
        await filas(marca, "SELECT 1 FROM inbox WHERE message_id = :id", id=evento.id_evento) == []
    )
    monkeypatch.undo()
    await barrera(marca, probe)
    assert probe.of(c.PresupuestoReservado, evento.id_campana) == []
    assert len(probe.of(c.ReservaPresupuestoRechazada, evento.id_campana)) == 1
    await eventually(lambda: marca.service.relay.published >= 2)
    assert marca.service.relay.published == 2  # the technical rejection and the barrier's
