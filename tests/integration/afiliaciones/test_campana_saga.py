"""``POST /afiliaciones/campana-saga`` as the seed's clients use it: it waits for the saga's
outcome (``Prefer: wait=N``, 2 s by default) and answers it, 200 in the seed's shape, or 202 with
the saga to follow when it runs on. The test plays marca, influencer and tracking on the broker.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import httpx
import pytest

import contracts as c
from afiliaciones_svc.entrypoints.http import ESPERA_SAGA_SEGUNDOS
from tests.helpers import eventually
from tests.integration.afiliaciones.conftest import (
    compensaciones_de_marca_y_tracking,
    cuerpo,
    exitos,
    rechazo_de_influencer,
)
from tests.integration.conftest import EventProbe, RunningService

RUTA = "/afiliaciones/campana-saga"


async def pedida(
    svc: RunningService, probe: EventProbe, prefer: str
) -> tuple[asyncio.Task[httpx.Response], dict[str, Any]]:
    """A request for a new campaign with ``Prefer: <prefer>``, sent now and answered later (the
    test plays the participants meanwhile), and its campaign once ``CampanaCreada`` is out."""
    nombre = nombre_unico()
    headers = {"Prefer": prefer}
    pedido = asyncio.create_task(svc.http.post(RUTA, json=cuerpo(nombre=nombre), headers=headers))
    return pedido, await creada(svc, probe, nombre)


async def creada(svc: RunningService, probe: EventProbe, nombre: str) -> dict[str, Any]:
    """The campaign named ``nombre`` once its ``CampanaCreada`` is on the broker."""
    [evento] = await eventually(
        lambda: [e for e in probe.of(c.CampanaCreada) if e.nombre == nombre],
        message=f"CampanaCreada of {nombre}",
    )
    return (await svc.http.get(f"/afiliaciones/campana/{evento.id_campana}")).json()  # type: ignore[no-any-return]


def nombre_unico() -> str:
    return f"Campaña {uuid.uuid4().hex[:8]}"


async def test_a_saga_that_completes_within_the_wait_answers_200_in_the_seeds_shape(
    afiliaciones: RunningService, probe: EventProbe
) -> None:
    pedido, campana = await pedida(afiliaciones, probe, "wait=3600")

    await asyncio.gather(*(probe.publish(e) for e in exitos(campana)))
    publicados = time.monotonic()
    response = await pedido

    assert response.status_code == 200, response.text
    assert time.monotonic() - publicados < 10, "answered when the saga completed, not at 30 s"
    assert response.headers["Preference-Applied"] == "wait=30"  # capped
    assert response.json() == {
        "mensaje": "Campaña procesada con patrón Saga",
        "saga_exitosa": True,
        "estado_saga": "completada",
        "id_saga": campana["id_saga"],
        "id_campana": campana["id"],
        "pasos_completados": ["marca", "influencer", "tracking"],
        "pasos_compensados": [],
        "pasos_fallidos": [],
        "error": None,
        "campana": {
            "id": campana["id"],
            "nombre": campana["nombre"],
            "estado": "confirmada",
            "presupuesto": 15000.0,
        },
    }
    # what the seed's collection asks next, with the id it kept
    estado = await afiliaciones.http.get(f"/afiliaciones/saga/{campana['id_saga']}/estado")
    assert estado.status_code == 200
    assert (estado.json()["estado_saga"], estado.json()["id_campana"]) == (
        "completada",
        campana["id"],
    )


async def test_a_saga_compensated_within_the_wait_answers_200_not_successful(
    afiliaciones: RunningService, probe: EventProbe
) -> None:
    pedido, campana = await pedida(afiliaciones, probe, "wait=20")
    marca, _, tracking = exitos(campana)

    await asyncio.gather(
        probe.publish(marca), probe.publish(tracking), probe.publish(rechazo_de_influencer(campana))
    )
    await eventually(lambda: probe.of(c.CampanaCancelada, campana["id"]), message="cancelled")
    assert not pedido.done(), "compensando is not an outcome: the request waits on"
    await asyncio.gather(*(probe.publish(e) for e in compensaciones_de_marca_y_tracking(campana)))
    response = await pedido

    assert response.status_code == 200, response.text
    assert response.headers["Preference-Applied"] == "wait=20"
    body = response.json()
    assert body["mensaje"] and body["mensaje"] != "Campaña procesada con patrón Saga"
    assert {k: v for k, v in body.items() if k != "mensaje"} == {
        "saga_exitosa": False,
        "estado_saga": "compensada",
        "id_saga": campana["id_saga"],
        "id_campana": campana["id"],
        "pasos_completados": ["marca", "tracking"],
        "pasos_compensados": ["marca", "tracking"],
        "pasos_fallidos": ["influencer"],
        "error": "Ana García ya tiene 3 campañas",
        "campana": {
            "id": campana["id"],
            "nombre": campana["nombre"],
            "estado": "cancelada",
            "presupuesto": 15000.0,
        },
    }


@pytest.mark.parametrize("prefer", ["wait=0", "respond-async", 'Wait="0"; x=1, wait=9'])
async def test_a_saga_not_finished_within_the_wait_answers_202_with_the_saga(
    afiliaciones: RunningService, prefer: str
) -> None:
    started = time.monotonic()
    response = await afiliaciones.http.post(RUTA, json=cuerpo(), headers={"Prefer": prefer})

    assert response.status_code == 202, response.text
    assert time.monotonic() - started < ESPERA_SAGA_SEGUNDOS, "no wait was asked for"
    aplicada = "respond-async" if prefer == "respond-async" else "wait=0"
    assert response.headers["Preference-Applied"] == aplicada
    body = response.json()
    assert body["estado"] == "en_progreso" and body["mensaje"], body
    saga = await afiliaciones.http.get(f"/afiliaciones/saga/{body['id_saga']}/estado")
    assert (saga.json()["id_campana"], saga.json()["estado_saga"]) == (
        body["id_campana"],
        "en_progreso",
    )


async def test_without_prefer_it_waits_the_default_then_answers_202(
    afiliaciones: RunningService,
) -> None:
    started = time.monotonic()
    response = await afiliaciones.http.post(RUTA, json=cuerpo())

    assert response.status_code == 202, response.text
    assert time.monotonic() - started >= ESPERA_SAGA_SEGUNDOS
    assert "Preference-Applied" not in response.headers
    assert response.json()["estado"] == "en_progreso"


async def test_with_an_idempotency_key_the_first_answer_is_the_202_and_every_replay_repeats_it(
    afiliaciones: RunningService, probe: EventProbe
) -> None:
    nombre = nombre_unico()
    headers = {"Idempotency-Key": str(uuid.uuid4()), "Prefer": "wait=30"}
    started = time.monotonic()
    first = await afiliaciones.http.post(RUTA, json=cuerpo(nombre=nombre), headers=headers)

    assert first.status_code == 202, first.text
    assert time.monotonic() - started < ESPERA_SAGA_SEGUNDOS, "a keyed request does not wait"
    assert "Preference-Applied" not in first.headers
    campana = await creada(afiliaciones, probe, nombre)
    assert first.json()["id_saga"] == campana["id_saga"]

    await asyncio.gather(*(probe.publish(e) for e in exitos(campana)))
    await eventually(lambda: probe.of(c.CampanaConfirmada, campana["id"]), message="confirmed")
    replay = await afiliaciones.http.post(RUTA, json=cuerpo(nombre=nombre), headers=headers)

    assert replay.status_code == 202 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()
    listed = await afiliaciones.http.get("/afiliaciones/campanas")
    assert [x["id"] for x in listed.json()["campanas"]] == [campana["id"]]
