"""tracking's part of the saga: events arrive through the real broker, outcomes leave by the outbox."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any

import pytest
from sqlalchemy import text

import contracts as c
from alpes.infra import PulsarLite
from alpes.messaging import AvroCodec
from faststream_pulsar import PulsarBroker
from tests.helpers import eventually
from tests.integration.conftest import EventProbe, RunningService, StartService
from tests.integration.support import filas, reserva_rechazada
from tests.integration.tracking.conftest import (
    ANA,
    CARLOS,
    barrera,
    campana_creada,
    cancelada,
    envoltura,
    evento,
    metricas,
    procesado,
    provisionar,
)


async def test_campana_creada_provisions_one_unique_code_per_influencer(
    tracking: RunningService, probe: EventProbe, mensajes: pytest.LogCaptureFixture
) -> None:
    creada = campana_creada(influencers=(ANA, CARLOS, ("ana garcía ", "instagram")))

    id_campana, codigos = await provisionar(probe, creada)

    [habilitado] = probe.of(c.TrackingHabilitado, id_campana)
    assert (habilitado.id_saga, habilitado.id_correlacion) == (
        creada.id_saga,
        creada.id_correlacion,
    )
    assert set(codigos) == {ANA, CARLOS}  # one code per influencer, whatever the case
    assert len(set(codigos.values())) == 2
    response = await tracking.http.get(f"/tracking/campanas/{id_campana}/codigos")
    assert response.status_code == 200
    assert {(k["nombre"], k["plataforma"]): k["codigo"] for k in response.json()} == codigos
    assert all(k["activo"] for k in response.json())
    vista = await metricas(tracking, id_campana)
    assert (vista["estado"], vista["id_marca"], vista["total_eventos"]) == ("activa", "marca-1", 0)
    assert {(i["nombre"], i["plataforma"]) for i in vista["por_influencer"]} == {ANA, CARLOS}

    await probe.publish(creada)  # delivered again
    await procesado(mensajes, creada)
    await barrera(probe)
    assert len(probe.of(c.TrackingHabilitado, id_campana)) == 1
    assert len(await filas(tracking, "SELECT * FROM codigos_tracking WHERE id_campana = :id",
                           id=id_campana)) == 2  # fmt: skip


async def test_cancellation_disables_the_codes_and_new_events_are_refused(
    tracking: RunningService, probe: EventProbe, mensajes: pytest.LogCaptureFixture
) -> None:
    id_campana, codigos = await provisionar(probe)
    await evento(tracking, id_campana, "vista", codigos[ANA])
    cancelacion = cancelada(id_campana)

    await probe.publish(cancelacion)

    [deshabilitado] = await eventually(
        lambda: probe.of(c.TrackingDeshabilitado, id_campana), message="TrackingDeshabilitado"
    )
    assert deshabilitado.motivo == "cancelada por el usuario"
    assert deshabilitado.id_saga == cancelacion.id_saga
    response = await tracking.http.post(
        "/tracking/evento",
        json={"id_campana": id_campana, "tipo_evento": "clic", "datos": {}, "codigo": codigos[ANA]},
    )
    assert response.status_code == 409
    assert "deshabilitada" in response.json()["detail"]
    vista = await metricas(tracking, id_campana)
    assert (vista["estado"], vista["vistas"], vista["clics"]) == ("deshabilitada", 1, 0)
    assert not any(i["activo"] for i in vista["por_influencer"])

    await probe.publish(cancelacion)  # a duplicate
    await probe.publish(cancelada(id_campana, "otra vez"))  # another one: the state guards it
    await procesado(mensajes, cancelacion)
    await barrera(probe)
    assert len(probe.of(c.TrackingDeshabilitado, id_campana)) == 1


def rechazo_de_marca(id_campana: str) -> c.IntegrationEvent:
    return reserva_rechazada(envoltura(id_campana))


def rechazo_de_influencer(id_campana: str) -> c.IntegrationEvent:
    return c.AsignacionInfluencersRechazada(
        **envoltura(id_campana), motivo="Ana ya tiene 3 campañas", tecnico=False
    )


@pytest.mark.parametrize("rechazo", [rechazo_de_marca, rechazo_de_influencer])
async def test_another_participants_failure_compensates(
    tracking: RunningService, probe: EventProbe, rechazo: Any
) -> None:
    id_campana, _ = await provisionar(probe)

    fallo = rechazo(id_campana)
    await probe.publish(fallo)

    [deshabilitado] = await eventually(
        lambda: probe.of(c.TrackingDeshabilitado, id_campana), message="TrackingDeshabilitado"
    )
    assert deshabilitado.motivo == fallo.motivo
    assert (await metricas(tracking, id_campana))["estado"] == "deshabilitada"


async def test_cancellation_before_creation_leaves_a_tombstone_and_creation_provisions_nothing(
    tracking: RunningService, probe: EventProbe, mensajes: pytest.LogCaptureFixture
) -> None:
    creada = campana_creada()
    id_campana = creada.id_campana

    await probe.publish(cancelada(id_campana))
    [deshabilitado] = await eventually(
        lambda: probe.of(c.TrackingDeshabilitado, id_campana), message="TrackingDeshabilitado"
    )
    await probe.publish(creada)  # arrives late
    await procesado(mensajes, creada)

    assert deshabilitado.motivo == "cancelada por el usuario"
    await barrera(probe)
    assert probe.of(c.TrackingHabilitado, id_campana) == []
    assert (await tracking.http.get(f"/tracking/campanas/{id_campana}/codigos")).json() == []
    vista = await metricas(tracking, id_campana)
    assert (vista["estado"], vista["por_influencer"]) == ("cancelada_antes", [])
    response = await tracking.http.post(
        "/tracking/evento", json={"id_campana": id_campana, "tipo_evento": "vista", "datos": {}}
    )
    assert response.status_code == 409


async def test_campana_finalizada_closes_tracking(
    tracking: RunningService, probe: EventProbe
) -> None:
    id_campana, _ = await provisionar(probe)

    await probe.publish(c.CampanaFinalizada(**envoltura(id_campana), id_marca="marca-1"))

    [cerrado] = await eventually(
        lambda: probe.of(c.TrackingDeshabilitado, id_campana), message="TrackingDeshabilitado"
    )
    assert cerrado.motivo == "campana finalizada"
    assert (await metricas(tracking, id_campana))["estado"] == "finalizada"
    response = await tracking.http.post(
        "/tracking/evento", json={"id_campana": id_campana, "tipo_evento": "vista", "datos": {}}
    )
    assert response.status_code == 409


async def test_a_failing_reaction_rolls_back_dead_letters_and_rejects_technically(
    start_service: StartService, probe: EventProbe, namespace: str, pulsar_lite: PulsarLite
) -> None:
    tracking = await start_service("tracking")
    creada = campana_creada()
    async with tracking.service.db.engine.begin() as conn:  # the database refuses this campaign
        await conn.execute(text(
            "CREATE FUNCTION rechazar() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'disco lleno'; END $$"
        ))  # fmt: skip
        await conn.execute(text(
            "CREATE TRIGGER rechazar BEFORE INSERT ON metricas_campana FOR EACH ROW "
            f"WHEN (NEW.id_campana = '{creada.id_campana}') EXECUTE FUNCTION rechazar()"
        ))  # fmt: skip
    dlq = c.dead_letter_topic(c.topic("afiliaciones", namespace), "tracking")
    muertos: list[Any] = []
    lector = PulsarBroker(pulsar_lite.url, codec=AvroCodec())

    @lector.subscriber(dlq, subscription="prueba", initial_position="Earliest")
    async def muerto(evento: Any) -> None:
        muertos.append(evento)

    await lector.start()
    try:
        await probe.publish(creada)

        [rechazo] = await eventually(
            lambda: probe.of(c.HabilitacionTrackingRechazada, creada.id_campana),
            message="HabilitacionTrackingRechazada",
        )
        await eventually(lambda: muertos, message=f"the message on {dlq}")
    finally:
        await lector.stop()

    assert rechazo.tecnico is True
    assert "fallo tecnico" in rechazo.motivo
    assert rechazo.id_saga == creada.id_saga
    assert [m.id_evento for m in muertos] == [creada.id_evento]
    assert probe.of(c.TrackingHabilitado, creada.id_campana) == []
    # every attempt rolled back: no code, no metrics row, no inbox row
    assert await filas(tracking, "SELECT * FROM codigos_tracking") == []
    assert await filas(tracking, "SELECT * FROM metricas_campana") == []
    assert await filas(tracking, "SELECT * FROM inbox") == []
    assert (await metricas(tracking, creada.id_campana))["estado"] == "rechazada"
    await barrera(probe)
    assert len(probe.of(c.HabilitacionTrackingRechazada, creada.id_campana)) == 1


async def test_concurrent_creation_and_cancellation_end_disabled(
    tracking: RunningService, probe: EventProbe
) -> None:
    creadas = [campana_creada() for _ in range(10)]

    await asyncio.gather(
        *(probe.publish(e) for creada in creadas for e in (creada, cancelada(creada.id_campana)))
    )

    for creada in creadas:
        await eventually(
            partial(probe.of, c.TrackingDeshabilitado, creada.id_campana),
            message="TrackingDeshabilitado",
        )
        estado = (await metricas(tracking, creada.id_campana))["estado"]
        assert estado in {"deshabilitada", "cancelada_antes"}
