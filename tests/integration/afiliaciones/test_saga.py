"""The saga as afiliaciones sees it: participants' outcomes arrive through the real broker."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from functools import partial
from typing import Any

import pytest

import contracts as c
from afiliaciones_svc.adapters.unit_of_work import SqlAfiliacionesUnitOfWork
from alpes.messaging import AvroCodec
from faststream_pulsar import PulsarBroker
from tests.helpers import eventually
from tests.integration.afiliaciones.conftest import (
    barrera,
    compensacion_de_influencer,
    compensaciones_de_marca_y_tracking,
    crear,
    estado,
    exitos,
    llega_a,
    rechazo_de_influencer,
)
from tests.integration.conftest import EventProbe, RunningService, StartService
from tests.integration.support import filas


async def saga(svc: RunningService, campana: dict[str, Any]) -> dict[str, Any]:
    return (await svc.http.get(f"/afiliaciones/campana/{campana['id']}/saga")).json()  # type: ignore[no-any-return]


def eventos(vista: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["evento"], e["origen"]) for e in vista["linea_de_tiempo"]]


async def test_three_successes_confirm_the_campaign_once(
    afiliaciones: RunningService, probe: EventProbe
) -> None:
    campana = await crear(afiliaciones)

    await asyncio.gather(*(probe.publish(e) for e in exitos(campana)))

    [confirmada] = await eventually(
        lambda: probe.of(c.CampanaConfirmada, campana["id"]), message="CampanaConfirmada"
    )
    assert (confirmada.id_saga, confirmada.id_campana) == (campana["id_saga"], campana["id"])
    assert await estado(afiliaciones, campana["id"]) == "confirmada"
    vista = await saga(afiliaciones, campana)
    assert (vista["estado_saga"], vista["estado_campana"]) == ("completada", "confirmada")
    linea = eventos(vista)
    assert linea[0] == ("CampanaCreada", "afiliaciones")
    assert sorted(linea[1:4]) == [
        ("InfluencersAsignados", "influencer"),
        ("PresupuestoReservado", "marca"),
        ("TrackingHabilitado", "tracking"),
    ]
    assert linea[4:] == [("CampanaConfirmada", "afiliaciones")]
    await barrera(afiliaciones, probe)
    assert len(probe.of(c.CampanaConfirmada, campana["id"])) == 1


async def test_many_campaigns_confirmed_concurrently_each_exactly_once(
    afiliaciones: RunningService, probe: EventProbe
) -> None:
    campanas = await asyncio.gather(*(crear(afiliaciones, nombre=f"c{n}") for n in range(8)))

    await asyncio.gather(*(probe.publish(e) for campana in campanas for e in exitos(campana)))

    for campana in campanas:
        await eventually(llega_a(afiliaciones, campana["id"], "confirmada"), message=campana["id"])
    await barrera(afiliaciones, probe)
    assert all(len(probe.of(c.CampanaConfirmada, x["id"])) == 1 for x in campanas)
    stats = (await afiliaciones.http.get("/afiliaciones/sagas/estadisticas")).json()
    assert (stats["completadas"], stats["en_progreso"]) == (8, 1)  # the barrier's saga runs


async def test_a_failure_cancels_and_the_compensations_end_the_saga_compensada(
    afiliaciones: RunningService, probe: EventProbe
) -> None:
    campana = await crear(afiliaciones)
    marca, _, tracking = exitos(campana)
    await probe.publish(marca)
    await probe.publish(tracking)
    await probe.publish(rechazo_de_influencer(campana))

    [cancelada] = await eventually(
        lambda: probe.of(c.CampanaCancelada, campana["id"]), message="CampanaCancelada"
    )
    assert (cancelada.origen, cancelada.motivo) == ("influencer", "Ana García ya tiene 3 campañas")
    await eventually(llega_a(afiliaciones, campana["id"], "compensando", saga=True))
    assert await estado(afiliaciones, campana["id"]) == "cancelada"

    for evento in compensaciones_de_marca_y_tracking(campana):
        await probe.publish(evento)
    await eventually(llega_a(afiliaciones, campana["id"], "compensada", saga=True))

    vista = await saga(afiliaciones, campana)
    assert (vista["origen_cancelacion"], vista["estado_campana"]) == ("influencer", "cancelada")
    linea = eventos(vista)
    assert ("AsignacionInfluencersRechazada", "influencer") in linea
    assert ("CampanaCancelada", "influencer") in linea
    assert {("PresupuestoLiberado", "marca"), ("TrackingDeshabilitado", "tracking")} <= set(linea)
    assert linea[-1] == ("SagaCompensada", "afiliaciones")
    assert probe.of(c.CampanaConfirmada, campana["id"]) == []
    por_saga = await afiliaciones.http.get(f"/afiliaciones/saga/{campana['id_saga']}/estado")
    assert por_saga.json() == vista


async def test_a_redelivered_outcome_changes_nothing(
    afiliaciones: RunningService, probe: EventProbe, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="alpes.messaging")
    campana = await crear(afiliaciones)
    todos = exitos(campana)

    for evento in todos:  # each delivered twice: same id_evento
        await probe.publish(evento)
        await probe.publish(evento)
    await eventually(llega_a(afiliaciones, campana["id"], "confirmada"))
    await eventually(lambda: _duplicados(caplog) == 3, message="three duplicates ignored")

    rechazo = rechazo_de_influencer(campana)
    await probe.publish(rechazo)
    await probe.publish(rechazo)
    await eventually(lambda: _duplicados(caplog) == 4, message="the fourth duplicate ignored")

    vista = await saga(afiliaciones, campana)
    nombres = [e for e, _ in eventos(vista)]
    for evento in todos:
        assert nombres.count(type(evento).__name__) == 1
    assert nombres.count("AsignacionInfluencersRechazada") == 1  # recorded after confirmation
    assert vista["estado_campana"] == "confirmada"  # a late failure does not undo confirmation
    await barrera(afiliaciones, probe)
    assert len(probe.of(c.CampanaConfirmada, campana["id"])) == 1
    assert probe.of(c.CampanaCancelada, campana["id"]) == []
    inbox = await filas(afiliaciones, "SELECT message_id FROM inbox")
    assert len(inbox) == 4


async def test_an_outcome_repeated_under_a_new_id_leaves_the_campaign_as_it_was(
    afiliaciones: RunningService, probe: EventProbe
) -> None:
    campana = await crear(afiliaciones)
    primero, segundo = exitos(campana)[0], exitos(campana)[0]  # the same success, two messages
    version = "SELECT version FROM campanas WHERE id = :id"

    for evento in (primero, segundo):
        await probe.publish(evento)
        await eventually(partial(_en_inbox, afiliaciones, evento.id_evento), message="handled")

    assert await filas(afiliaciones, version, id=campana["id"]) == [(1,)]
    nombres = [e for e, _ in eventos(await saga(afiliaciones, campana))]
    assert nombres == ["CampanaCreada", "PresupuestoReservado"]


async def _en_inbox(svc: RunningService, id_evento: str) -> bool:
    sql = "SELECT 1 FROM inbox WHERE message_id = :id"
    return bool(await filas(svc, sql, id=id_evento))


def _duplicados(caplog: pytest.LogCaptureFixture) -> int:
    return sum(1 for r in caplog.records if r.getMessage().startswith("duplicate "))


async def test_an_outcome_for_an_unknown_campaign_is_ignored(
    afiliaciones: RunningService, probe: EventProbe, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    fantasma: dict[str, Any] = {
        "id": "00000000-0000-0000-0000-000000000001",
        "id_saga": "s",
        "marca": {"id_marca": "m"},
        "presupuesto": 1.0,
        "influencers": [],
    }
    await probe.publish(exitos(fantasma)[0])
    await eventually(
        lambda: any(fantasma["id"] in r.getMessage() for r in caplog.records),
        message="the unknown campaign logged",
    )
    campana = await crear(afiliaciones)
    for evento in exitos(campana):
        await probe.publish(evento)
    await eventually(llega_a(afiliaciones, campana["id"], "confirmada"))
    response = await afiliaciones.http.get(f"/afiliaciones/campana/{fantasma['id']}")
    assert response.status_code == 404


async def test_the_deadline_cancels_a_saga_nobody_answered(
    start_service: StartService, probe: EventProbe
) -> None:
    svc = await start_service(
        "afiliaciones", saga_deadline_seconds=1, saga_deadline_check_seconds=0.1
    )
    campana = await crear(svc)

    [cancelada] = await eventually(
        lambda: probe.of(c.CampanaCancelada, campana["id"]), message="cancelled at the deadline"
    )
    assert cancelada.origen == "plazo"
    assert "marca, influencer, tracking" in cancelada.motivo
    vista = await saga(svc, campana)
    assert (vista["estado_campana"], vista["origen_cancelacion"]) == ("cancelada", "plazo")
    assert vista["estado_saga"] == "compensando"
    assert eventos(vista)[-1] == ("CampanaCancelada", "plazo")

    compensaciones = [*compensaciones_de_marca_y_tracking(campana)]
    compensaciones.append(compensacion_de_influencer(campana))
    for evento in compensaciones:
        await probe.publish(evento)
    await eventually(llega_a(svc, campana["id"], "compensada", saga=True))
    assert len(probe.of(c.CampanaCancelada, campana["id"])) == 1


async def test_a_failing_reaction_rolls_back_state_and_outbox_then_is_dead_lettered(
    start_service: StartService, probe: EventProbe, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = SqlAfiliacionesUnitOfWork.publish_collected
    intentos: list[str] = []

    async def falla_tras_publicar(uow: SqlAfiliacionesUnitOfWork) -> None:
        await real(uow)  # the reaction cancelled the campaign: CampanaCancelada is queued
        if uow.cause is None:  # an HTTP write (the campaign's creation) commits as it would
            return
        assert uow.wrote_outbox and isinstance(uow.cause, c.IntegrationEvent)
        intentos.append(uow.cause.id_evento)
        raise RuntimeError("fallo simulado")

    monkeypatch.setattr(SqlAfiliacionesUnitOfWork, "publish_collected", falla_tras_publicar)
    svc = await start_service("afiliaciones")
    campana = await crear(svc)
    dlq_topic = c.dead_letter_topic(c.topic("influencer", probe.namespace), "afiliaciones")
    inspector = PulsarBroker(svc.settings.pulsar_url, codec=AvroCodec())
    dlq = inspector.subscriber(dlq_topic, subscription="inspect", initial_position="Earliest")
    rechazo = rechazo_de_influencer(campana)

    async with inspector:
        await inspector.start()
        await probe.publish(rechazo)
        dead = await dlq.get_one(timeout=30)
        assert dead is not None, "the message reached the dead-letter topic"
        assert (await dead.decode()) == rechazo
        assert "fallo simulado" in dead.headers["dead_letter_reason"]
        await dead.ack()

    assert intentos == [rechazo.id_evento] * (svc.settings.max_redeliveries + 1)
    vista = await saga(svc, campana)
    assert (vista["estado_campana"], vista["estado_saga"]) == ("creada", "en_progreso")
    assert eventos(vista) == [("CampanaCreada", "afiliaciones")]
    assert await filas(svc, "SELECT 1 FROM inbox") == []
    assert await filas(svc, "SELECT version FROM campanas WHERE id = :id", id=campana["id"]) == [
        (0,)
    ]
    await barrera(svc, probe)
    assert probe.of(c.CampanaCancelada) == []


async def test_saga_lists_history_and_statistics(
    afiliaciones: RunningService, probe: EventProbe
) -> None:
    completa, compensada, en_curso = [await crear(afiliaciones, nombre=n) for n in "abc"]
    for evento in exitos(completa):
        await probe.publish(evento)
    await probe.publish(rechazo_de_influencer(compensada))
    for evento in compensaciones_de_marca_y_tracking(compensada):
        await probe.publish(evento)
    await eventually(llega_a(afiliaciones, completa["id"], "completada", saga=True))
    await eventually(llega_a(afiliaciones, compensada["id"], "compensada", saga=True))
    get = afiliaciones.http.get

    stats = (await get("/afiliaciones/sagas/estadisticas")).json()
    assert stats == {
        "total": 3,
        "en_progreso": 1,
        "completadas": 1,
        "compensando": 0,
        "compensadas": 1,
        "atascadas": 0,
        "tasa_exito": 50.0,
    }
    todas = (await get("/afiliaciones/sagas")).json()
    assert todas["total"] == 3
    assert [s["id_saga"] for s in todas["sagas"]] == [
        x["id_saga"] for x in (en_curso, compensada, completa)
    ]
    solo = (await get("/afiliaciones/sagas", params={"estado": "compensada"})).json()
    assert (solo["total"], solo["sagas"][0]["id_campana"]) == (1, compensada["id"])
    assert solo["sagas"][0]["estado_campana"] == "cancelada"
    pagina = (await get("/afiliaciones/sagas", params={"limit": 1, "offset": 1})).json()
    assert [s["id_saga"] for s in pagina["sagas"]] == [compensada["id_saga"]]
    assert (await get("/afiliaciones/sagas", params={"estado": "rara"})).status_code == 422

    historial = (await get("/afiliaciones/sagas/historial")).json()
    lineas = historial["historial"]
    assert historial["total"] == len(lineas) == 3 + 4 + 5  # creadas; a: 3+confirm; b: 1+1+2+1
    assert lineas[0]["evento"] in {"SagaCompensada", "CampanaConfirmada"}  # the last written
    instantes = [datetime.fromisoformat(x["ocurrido_en"]) for x in lineas]
    assert instantes == sorted(instantes, reverse=True)
    assert lineas[-1] == {**lineas[-1], "evento": "CampanaCreada", "id_campana": completa["id"]}
    assert {"id_saga", "id_campana", "evento", "origen", "ocurrido_en", "motivo"} == set(lineas[0])
    corto = (await get("/afiliaciones/sagas/historial", params={"limit": 2})).json()
    assert (len(corto["historial"]), corto["total"]) == (2, historial["total"])
