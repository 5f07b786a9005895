"""Admission control (docs/adr/0010): with the saga backlog full, a new campaign is refused at
the door, 429 with ``Retry-After``, and nothing is stored; once sagas finish, campaigns are
admitted again. afiliaciones runs alone, so its sagas stay in flight until the test plays the
participants' answers on the broker."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

import contracts as c
from alpes.cli import create_app
from tests.auth import ADMIN
from tests.helpers import eventually
from tests.integration.afiliaciones.conftest import crear, cuerpo, exitos
from tests.integration.conftest import EventProbe, RunningService, StartService
from tests.integration.support import filas

RAPIDO = {"saga_backlog_refresh_seconds": 0}  # counted on every request


async def con_limite(start_service: StartService, limite: int) -> RunningService:
    return await start_service("afiliaciones", saga_backlog_limit=limite, **RAPIDO)


async def campanas(svc: RunningService) -> int:
    [(n,)] = await filas(svc, "SELECT count(*) FROM campanas")
    return int(n)


def rechazada(response: httpx.Response) -> bool:
    return response.status_code == 429


async def confirmar(probe: EventProbe, campana: dict[str, Any]) -> None:
    await asyncio.gather(*(probe.publish(e) for e in exitos(campana)))
    await eventually(
        lambda: probe.of(c.CampanaConfirmada, campana["id"]), message="CampanaConfirmada"
    )


def admitida(svc: RunningService, ruta: str, **kwargs: Any) -> Any:
    """A probe for ``eventually``: the request, once it is no longer refused."""

    async def intento() -> httpx.Response | None:
        response = await svc.http.post(ruta, json=cuerpo(), **kwargs)
        return None if rechazada(response) else response

    return intento


async def test_a_full_backlog_refuses_new_sagas_with_429_and_retry_after_until_it_drains(
    start_service: StartService, probe: EventProbe
) -> None:
    svc = await con_limite(start_service, 2)
    primera = await crear(svc)
    await crear(svc)

    refusals = [
        await svc.http.post("/afiliaciones/campana", json=cuerpo()),
        await svc.http.post("/afiliaciones/campana-saga", json=cuerpo()),
    ]

    for response in refusals:
        assert response.status_code == 429, response.text
        assert int(response.headers["Retry-After"]) >= 1
        detail = response.json()["detail"]
        assert "2 sagas in flight, limit 2" in detail and "retry after" in detail
    assert await campanas(svc) == 2  # nothing was stored for them

    await confirmar(probe, primera)
    response = await eventually(admitida(svc, "/afiliaciones/campana"), message="admitted")

    assert response.status_code == 201, response.text
    assert await campanas(svc) == 3


async def test_the_backlog_counts_what_other_replicas_admitted(
    start_service: StartService,
) -> None:
    una = await con_limite(start_service, 2)
    await crear(una)
    # a second replica on the same database (on topics of its own: what is under test is the
    # database's count, not two replicas' subscriptions in one process)
    namespace = f"{una.settings.topic_namespace}b"
    otra_app = create_app(
        "afiliaciones", una.settings.model_copy(update={"topic_namespace": namespace})
    )
    async with (
        otra_app.router.lifespan_context(otra_app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=otra_app), base_url="http://test", headers=ADMIN
        ) as otra,
    ):
        assert (await otra.post("/afiliaciones/campana", json=cuerpo())).status_code == 201

        assert rechazada(await una.http.post("/afiliaciones/campana", json=cuerpo()))
        assert rechazada(await otra.post("/afiliaciones/campana", json=cuerpo()))


async def test_a_refused_request_stores_nothing_under_its_idempotency_key(
    start_service: StartService, probe: EventProbe
) -> None:
    svc = await con_limite(start_service, 1)
    primera = await crear(svc)
    clave = {"Idempotency-Key": "reintento-tras-429"}
    refusal = await svc.http.post("/afiliaciones/campana", json=cuerpo(), headers=clave)
    assert refusal.status_code == 429

    await confirmar(probe, primera)
    first = await eventually(admitida(svc, "/afiliaciones/campana", headers=clave), message="ok")
    assert first.status_code == 201, first.text
    assert "Idempotent-Replayed" not in first.headers  # the 429 was not its first answer

    # the backlog is full again (the admitted one): its replay still gets the first answer
    assert rechazada(await svc.http.post("/afiliaciones/campana", json=cuerpo()))
    replay = await svc.http.post("/afiliaciones/campana", json=cuerpo(), headers=clave)
    assert (replay.status_code, replay.json()) == (201, first.json())
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert await campanas(svc) == 2
