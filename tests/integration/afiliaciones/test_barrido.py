"""The saga sweeper: a cancellation some participants never answered is sent again (the same
event) until they do; meanwhile the saga counts as ``atascada``."""

from __future__ import annotations

import asyncio
from typing import Any

import contracts as c
from tests.helpers import eventually
from tests.integration.afiliaciones.conftest import (
    barrera,
    compensacion_de_influencer,
    compensaciones_de_marca_y_tracking,
    crear,
    exitos,
    llega_a,
)
from tests.integration.conftest import EventProbe, RunningService, StartService


async def atascadas(svc: RunningService) -> int:
    response = await svc.http.get("/afiliaciones/sagas/estadisticas")
    assert response.status_code == 200, response.text
    return int(response.json()["atascadas"])


async def linea(svc: RunningService, campana: dict[str, Any]) -> list[dict[str, Any]]:
    response = await svc.http.get(f"/afiliaciones/campana/{campana['id']}/saga")
    return response.json()["linea_de_tiempo"]  # type: ignore[no-any-return]


async def cancelar(svc: RunningService, campana: dict[str, Any]) -> None:
    response = await svc.http.post(
        f"/afiliaciones/campana/{campana['id']}/cancelar", json={"motivo": "ya no hace falta"}
    )
    assert response.status_code == 200, response.text


async def test_an_unanswered_cancellation_is_sent_again_until_every_participant_answers(
    start_service: StartService, probe: EventProbe
) -> None:
    svc = await start_service(
        "afiliaciones",
        saga_grace_seconds=1,
        saga_sweep_interval_seconds=2,
        saga_deadline_check_seconds=0.2,
    )
    campana = await crear(svc)
    await asyncio.gather(*(probe.publish(e) for e in exitos(campana)))
    await eventually(llega_a(svc, campana["id"], "confirmada"), message="confirmed")
    assert await atascadas(svc) == 0

    await cancelar(svc, campana)
    [primera] = await eventually(
        lambda: probe.of(c.CampanaCancelada, campana["id"]), message="the cancellation"
    )
    liberado, deshabilitado = compensaciones_de_marca_y_tracking(campana)
    await probe.publish(liberado)  # only marca answers

    await eventually(lambda: atascadas(svc), message="stuck")
    assert await atascadas(svc) == 1
    reenvios = await eventually(
        lambda: probe.of(c.CampanaCancelada, campana["id"])[1:], message="sent again"
    )
    assert all(r.id_evento == primera.id_evento for r in reenvios)
    assert all((r.motivo, r.origen) == (primera.motivo, primera.origen) for r in reenvios)
    lineas = [e for e in await linea(svc, campana) if e["evento"] == "CancelacionReenviada"]
    assert lineas, "no CancelacionReenviada line in the timeline"
    assert lineas[0]["origen"] == "afiliaciones"
    assert lineas[0]["motivo"] == "sin respuesta de: influencer, tracking"
    assert await llega_a(svc, campana["id"], "compensando", saga=True)()

    await probe.publish(compensacion_de_influencer(campana))
    await probe.publish(deshabilitado)
    await eventually(llega_a(svc, campana["id"], "compensada", saga=True), message="compensada")
    assert await atascadas(svc) == 0
    await barrera(svc, probe)
    enviadas = len(probe.of(c.CampanaCancelada, campana["id"]))
    assert (await linea(svc, campana))[-1]["evento"] == "SagaCompensada"

    # Another cancellation nobody answers: once it has been sent again three times, well over a
    # sweep interval has passed, and every re-send committed before its third has arrived too
    # (one producer per topic, in commit order). The compensated saga was sent nothing more.
    otra = await crear(svc, nombre="otra")
    await cancelar(svc, otra)
    await eventually(
        lambda: len(probe.of(c.CampanaCancelada, otra["id"])) >= 4,
        message="the other cancellation sent again three times",
    )
    assert len(probe.of(c.CampanaCancelada, campana["id"])) == enviadas
    reenviadas = [e for e in await linea(svc, campana) if e["evento"] == "CancelacionReenviada"]
    assert len(reenviadas) == enviadas - 1
