"""``Idempotency-Key`` on the write routes of afiliaciones, marca and influencer: a request
repeated with its key gets the first answer and has one effect (alpes.idempotency)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx

import contracts as c
from tests.auth import as_marca
from tests.helpers import eventually
from tests.integration.afiliaciones.conftest import barrera, cuerpo, exitos
from tests.integration.conftest import EventProbe, RunningService, StartService
from tests.integration.support import filas

CREAR = "/afiliaciones/campana"


def clave() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def replayed(response: httpx.Response) -> bool:
    return bool(response.headers.get("Idempotent-Replayed") == "true")


async def twice_with_one_key(
    svc: RunningService, path: str, body: Any = None, *, status: int
) -> tuple[dict[str, str], httpx.Response]:
    """POST ``body`` to ``path`` twice with one new key: both answered ``status``, the second a
    replay of the first. The key's headers, and the first answer."""
    headers = clave()
    first = await svc.http.post(path, json=body, headers=headers)
    again = await svc.http.post(path, json=body, headers=headers)
    assert first.status_code == again.status_code == status, (first.text, again.text)
    assert again.json() == first.json()
    assert (replayed(first), replayed(again)) == (False, True)
    return headers, first


async def total(svc: RunningService, path: str) -> int:
    response = await svc.http.get(path)
    assert response.status_code == 200, response.text
    return int(response.json()["total"])


async def claves(svc: RunningService) -> list[Any]:
    return await filas(svc, "SELECT key, status_code, created_at FROM idempotency_keys")


# --- afiliaciones ------------------------------------------------------------------------


async def test_the_same_campaign_posted_twice_with_a_key_is_created_once(
    start_service: StartService, probe: EventProbe
) -> None:
    svc = await start_service("afiliaciones")

    headers, first = await twice_with_one_key(svc, CREAR, cuerpo(), status=201)

    assert await total(svc, "/afiliaciones/campanas") == 1
    await barrera(svc, probe)
    assert len(probe.of(c.CampanaCreada)) == 2  # the campaign's and the barrier's
    assert len(probe.of(c.CampanaCreada, first.json()["id"])) == 1
    [(key, status, created_at)] = [r for r in await claves(svc)]
    assert (key, status) == (headers["Idempotency-Key"], 201)
    assert created_at is not None


async def test_ten_concurrent_requests_with_one_key_have_one_effect_and_one_answer(
    start_service: StartService, probe: EventProbe
) -> None:
    svc = await start_service("afiliaciones")
    headers = clave()

    answers = await asyncio.gather(
        *(svc.http.post(CREAR, json=cuerpo(), headers=headers) for _ in range(10))
    )

    assert {a.status_code for a in answers} == {201}, [a.text for a in answers]
    assert all(a.json() == answers[0].json() for a in answers)
    assert sum(not replayed(a) for a in answers) == 1
    assert await total(svc, "/afiliaciones/campanas") == 1
    await barrera(svc, probe)
    assert len(probe.of(c.CampanaCreada, answers[0].json()["id"])) == 1


async def test_a_key_reused_for_another_request_is_refused_and_changes_nothing(
    start_service: StartService,
) -> None:
    svc = await start_service("afiliaciones")
    headers = clave()
    assert (await svc.http.post(CREAR, json=cuerpo(), headers=headers)).status_code == 201

    other_body = await svc.http.post(CREAR, json=cuerpo(presupuesto=20000), headers=headers)
    other_path = await svc.http.post("/afiliaciones/campana-saga", json=cuerpo(), headers=headers)

    for response in (other_body, other_path):
        assert response.status_code == 422, response.text
        detail = response.json()["detail"]
        assert "Idempotency-Key" in detail and headers["Idempotency-Key"] in detail, detail
        assert "different request" in detail
    assert await total(svc, "/afiliaciones/campanas") == 1


async def test_each_brand_has_keys_of_its_own(start_service: StartService) -> None:
    """Two brands sending the same key (by chance, or one guessing the other's) do not meet:
    neither replays, blocks nor detects the other's request."""
    svc = await start_service("afiliaciones")
    key = clave()

    def para(id_marca: str) -> dict[str, Any]:
        body = cuerpo()
        return body | {"marca": body["marca"] | {"id_marca": id_marca}}

    nike = await svc.http.post(CREAR, json=para("nike"), headers=key | as_marca("nike"))
    adidas = await svc.http.post(CREAR, json=para("adidas"), headers=key | as_marca("adidas"))
    nike_again = await svc.http.post(CREAR, json=para("nike"), headers=key | as_marca("nike"))

    assert (nike.status_code, adidas.status_code) == (201, 201), (nike.text, adidas.text)
    assert not replayed(adidas) and adidas.json()["id"] != nike.json()["id"]
    assert replayed(nike_again) and nike_again.json() == nike.json()
    assert await total(svc, "/afiliaciones/campanas") == 2
    # an operator's keys are stored as sent; a brand's only as a digest with its owner
    stored = {row.key for row in await claves(svc)}
    assert key["Idempotency-Key"] not in stored and len(stored) == 2


async def test_an_equivalent_body_written_differently_is_the_same_request(
    start_service: StartService,
) -> None:
    svc = await start_service("afiliaciones")
    headers = clave() | {"Content-Type": "application/json"}
    body = cuerpo()
    first = await svc.http.post(CREAR, json=body, headers=headers)
    reordered = dict(reversed(list(body.items())))
    second = await svc.http.post(
        CREAR, content=httpx.Request("POST", "/", json=reordered).content, headers=headers
    )

    assert second.status_code == 201 and replayed(second), second.text
    assert second.json() == first.json()
    assert await total(svc, "/afiliaciones/campanas") == 1


async def test_without_a_key_every_request_has_its_effect(start_service: StartService) -> None:
    svc = await start_service("afiliaciones")

    first = await svc.http.post(CREAR, json=cuerpo())
    second = await svc.http.post(CREAR, json=cuerpo())

    assert first.status_code == second.status_code == 201
    assert not replayed(first) and not replayed(second)
    assert first.json()["id"] != second.json()["id"]
    assert await total(svc, "/afiliaciones/campanas") == 2
    assert await claves(svc) == []


async def test_the_saga_route_replays_its_202(start_service: StartService) -> None:
    svc = await start_service("afiliaciones")

    await twice_with_one_key(svc, "/afiliaciones/campana-saga", cuerpo(), status=202)

    assert await total(svc, "/afiliaciones/sagas") == 1


async def test_a_failed_request_stores_nothing_and_fails_again(
    start_service: StartService,
) -> None:
    svc = await start_service("afiliaciones")
    headers = clave()
    desconocida = f"/afiliaciones/campana/{uuid.uuid4()}/cancelar"

    first = await svc.http.post(desconocida, headers=headers)
    second = await svc.http.post(desconocida, headers=headers)

    assert first.status_code == second.status_code == 404, (first.text, second.text)
    assert not replayed(second)
    invalid = await svc.http.post(CREAR, json=cuerpo(presupuesto=-1), headers=headers)
    assert invalid.status_code == 422
    assert await claves(svc) == []
    # the key is still free: a valid request with it succeeds
    created = await svc.http.post(CREAR, json=cuerpo(), headers=headers)
    assert created.status_code == 201 and not replayed(created)


async def test_lifecycle_actions_repeated_with_their_key_answer_the_first_success(
    start_service: StartService, probe: EventProbe
) -> None:
    svc = await start_service("afiliaciones")
    campana = (await svc.http.post(CREAR, json=cuerpo())).json()
    await asyncio.gather(*(probe.publish(e) for e in exitos(campana)))

    async def confirmada() -> bool:
        r = await svc.http.get(f"/afiliaciones/campana/{campana['id']}")
        return bool(r.json()["estado"] == "confirmada")

    await eventually(confirmada, message="the campaign confirmed")
    base = f"/afiliaciones/campana/{campana['id']}"

    for action, estado in (("iniciar", "iniciada"), ("finalizar", "finalizada")):
        _, first = await twice_with_one_key(svc, f"{base}/{action}", status=200)
        assert first.json()["estado"] == estado
        # without the key, the same action is refused: it was applied once
        assert (await svc.http.post(f"{base}/{action}")).status_code == 409

    await barrera(svc, probe)
    assert len(probe.of(c.CampanaIniciada, campana["id"])) == 1
    assert len(probe.of(c.CampanaFinalizada, campana["id"])) == 1


async def test_a_cancellation_repeated_with_its_key_answers_200_not_409(
    start_service: StartService, probe: EventProbe
) -> None:
    svc = await start_service("afiliaciones")
    campana = (await svc.http.post(CREAR, json=cuerpo())).json()
    path = f"/afiliaciones/campana/{campana['id']}/cancelar"
    body = {"motivo": "el cliente se arrepintió"}

    headers, first = await twice_with_one_key(svc, path, body, status=200)
    other_key = await svc.http.post(path, json=body, headers=clave())
    other_body = await svc.http.post(path, json={"motivo": "otro"}, headers=headers)

    assert first.json()["estado"] == "cancelada"
    assert other_key.status_code == 409, other_key.text  # a new request: already cancelled
    assert other_body.status_code == 422, other_body.text
    await barrera(svc, probe)
    assert len(probe.of(c.CampanaCancelada, campana["id"])) == 1
    assert len(await claves(svc)) == 1


async def test_a_malformed_key_is_a_clear_422(start_service: StartService) -> None:
    svc = await start_service("afiliaciones")
    for key in ("x" * 201, "con espacio"):
        response = await svc.http.post(CREAR, json=cuerpo(), headers={"Idempotency-Key": key})
        assert response.status_code == 422, response.text
        assert "Idempotency-Key" in response.json()["detail"], response.text
    assert await total(svc, "/afiliaciones/campanas") == 0


# --- marca -------------------------------------------------------------------------------


async def test_a_brand_registered_twice_with_a_key_is_registered_once(
    start_service: StartService,
) -> None:
    svc = await start_service("marca")
    headers = clave()
    body = {"nombre": "Nike", "presupuesto_total": 50000}  # no id: marca makes one each time

    first = await svc.http.post("/marca/marcas", json=body, headers=headers)
    answers = await asyncio.gather(
        *(svc.http.post("/marca/marcas", json=body, headers=headers) for _ in range(5))
    )

    assert first.status_code == 201, first.text
    assert all(a.status_code == 201 and a.json() == first.json() for a in answers)
    assert all(replayed(a) for a in answers)
    assert await total(svc, "/marca/marcas") == 1
    refused = await svc.http.post("/marca/marcas", json=body | {"nombre": "Puma"}, headers=headers)
    assert refused.status_code == 422, refused.text
    assert await total(svc, "/marca/marcas") == 1
    # without a key, the same body registers another brand
    assert (await svc.http.post("/marca/marcas", json=body)).status_code == 201
    assert await total(svc, "/marca/marcas") == 2


async def test_a_brand_patch_replayed_with_its_key_is_not_applied_again(
    start_service: StartService,
) -> None:
    svc = await start_service("marca")
    marca = (
        await svc.http.post("/marca/marcas", json={"nombre": "Nike", "presupuesto_total": 50000})
    ).json()
    path = f"/marca/marcas/{marca['id_marca']}"
    headers = clave()

    first = await svc.http.patch(path, json={"presupuesto_total": 60000}, headers=headers)
    assert first.status_code == 200 and first.json()["presupuesto_total"] == 60000, first.text
    later = await svc.http.patch(path, json={"presupuesto_total": 70000})
    assert later.status_code == 200, later.text
    replay = await svc.http.patch(path, json={"presupuesto_total": 60000}, headers=headers)

    assert replay.status_code == 200 and replayed(replay), replay.text
    assert replay.json() == first.json()
    assert (await svc.http.get(path)).json()["presupuesto_total"] == 70000  # not applied again

    missing = f"/marca/marcas/{uuid.uuid4()}"
    gone = clave()
    for _ in range(2):
        response = await svc.http.patch(missing, json={"activa": False}, headers=gone)
        assert response.status_code == 404 and not replayed(response), response.text
    assert [r.key for r in await claves(svc)] == [headers["Idempotency-Key"]]


# --- influencer --------------------------------------------------------------------------


async def test_an_influencer_registered_twice_with_a_key_is_registered_once(
    start_service: StartService,
) -> None:
    svc = await start_service("influencer")
    body = {"nombre": "Ana García", "plataforma": "Instagram", "seguidores": 1500, "categoria": "x"}

    await twice_with_one_key(svc, "/influencer/influencers", body, status=201)
    without = await svc.http.post("/influencer/influencers", json=body)

    assert without.status_code == 409, without.text  # a new request: the name is taken
    assert await total(svc, "/influencer/influencers") == 1


async def test_an_influencer_patch_replayed_with_its_key_is_not_applied_again(
    start_service: StartService,
) -> None:
    svc = await start_service("influencer")
    body = {"nombre": "Ana García", "plataforma": "Instagram", "seguidores": 1500, "categoria": "x"}
    creado = (await svc.http.post("/influencer/influencers", json=body)).json()
    path = f"/influencer/influencers/{creado['id_influencer']}"
    headers = clave()

    first = await svc.http.patch(path, json={"activo": True}, headers=headers)  # a no-op
    assert first.status_code == 200 and first.json()["activo"] is True, first.text
    assert (await svc.http.patch(path, json={"activo": False})).status_code == 200
    assert (await svc.http.patch(path, json={"activo": True})).status_code == 409  # no way back
    replay = await svc.http.patch(path, json={"activo": True}, headers=headers)

    assert replay.status_code == 200 and replayed(replay), replay.text  # not run again
    assert replay.json() == first.json()
    assert (await svc.http.get(path)).json()["activo"] is False
    [(key, status, created_at)] = await claves(svc)
    assert (key, status) == (headers["Idempotency-Key"], 200) and created_at is not None
