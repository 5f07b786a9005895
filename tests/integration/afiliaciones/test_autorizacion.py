"""Brands on afiliaciones, as a brand would try it: Nike works with its own campaigns, and
Adidas's do not exist for it (404 as an unknown id), also in lists, totals and statistics; who
has no valid token is told so (401 with ``WWW-Authenticate``)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from alpes.auth import Role, issue
from tests.auth import TEST_KEY, as_marca, bearer, token
from tests.integration.afiliaciones.conftest import crear, cuerpo
from tests.integration.conftest import RunningService

NIKE = "nike"
ADIDAS = "adidas"


def de(id_marca: str) -> dict[str, Any]:
    return {"marca": {"id_marca": id_marca, "nombre_marca": id_marca.title()}}


@pytest.fixture
async def campanas(afiliaciones: RunningService) -> dict[str, list[dict[str, Any]]]:
    """Two campaigns of Nike and three of Adidas, created by an admin."""
    return {
        NIKE: [await crear(afiliaciones, **de(NIKE), nombre=f"Nike {n}") for n in range(2)],
        ADIDAS: [await crear(afiliaciones, **de(ADIDAS), nombre=f"Adidas {n}") for n in range(3)],
    }


async def test_nike_cannot_see_start_or_cancel_an_adidas_campaign(
    afiliaciones: RunningService, campanas: dict[str, list[dict[str, Any]]]
) -> None:
    http, nike = afiliaciones.http, as_marca(NIKE)
    ajena = campanas[ADIDAS][0]
    desconocida = str(uuid.uuid4())

    for path in ("", "/saga"):
        ajena_vista = await http.get(f"/afiliaciones/campana/{ajena['id']}{path}", headers=nike)
        no_existe = await http.get(f"/afiliaciones/campana/{desconocida}{path}", headers=nike)
        assert ajena_vista.status_code == no_existe.status_code == 404
        assert ajena_vista.json() == {"detail": f"No existe la campaña {ajena['id']}."}
    saga = await http.get(f"/afiliaciones/saga/{ajena['id_saga']}/estado", headers=nike)
    assert saga.status_code == 404
    assert saga.json() == {"detail": f"No existe la saga {ajena['id_saga']}."}

    for accion in ("iniciar", "finalizar", "cancelar"):
        respuesta = await http.post(f"/afiliaciones/campana/{ajena['id']}/{accion}", headers=nike)
        assert respuesta.status_code == 404, accion
        assert respuesta.json() == {"detail": f"No existe la campaña {ajena['id']}."}
    # and nothing happened to it
    assert (await http.get(f"/afiliaciones/campana/{ajena['id']}")).json()["estado"] == "creada"


async def test_nike_sees_and_cancels_its_own_campaign(
    afiliaciones: RunningService, campanas: dict[str, list[dict[str, Any]]]
) -> None:
    http, nike = afiliaciones.http, as_marca(NIKE)
    propia = campanas[NIKE][0]

    vista = await http.get(f"/afiliaciones/campana/{propia['id']}", headers=nike)
    assert vista.status_code == 200
    assert vista.json() == propia
    saga = await http.get(f"/afiliaciones/saga/{propia['id_saga']}/estado", headers=nike)
    assert saga.status_code == 200
    assert saga.json()["id_campana"] == propia["id"]

    cancelada = await http.post(f"/afiliaciones/campana/{propia['id']}/cancelar", headers=nike)
    assert cancelada.status_code == 200, cancelada.text
    assert cancelada.json()["estado"] == "cancelada"


async def test_nike_lists_count_and_page_only_its_own_campaigns(
    afiliaciones: RunningService, campanas: dict[str, list[dict[str, Any]]]
) -> None:
    http, nike = afiliaciones.http, as_marca(NIKE)
    propias = {c["id"] for c in campanas[NIKE]}

    lista = (await http.get("/afiliaciones/campanas", headers=nike)).json()
    assert {c["id"] for c in lista["campanas"]} == propias
    assert (lista["total"], lista["total_exacto"]) == (2, True)

    primera = (await http.get("/afiliaciones/campanas", params={"limit": 1}, headers=nike)).json()
    segunda = (
        await http.get(
            "/afiliaciones/campanas", params={"limit": 1, "cursor": primera["siguiente"]},
            headers=nike,
        )
    ).json()  # fmt: skip
    assert {c["id"] for c in primera["campanas"] + segunda["campanas"]} == propias
    assert segunda["siguiente"] is None

    sagas = (await http.get("/afiliaciones/sagas", headers=nike)).json()
    assert {s["id_campana"] for s in sagas["sagas"]} == propias
    assert sagas["total"] == 2

    historial = (await http.get("/afiliaciones/sagas/historial", headers=nike)).json()
    assert {linea["id_campana"] for linea in historial["historial"]} == propias
    assert historial["total"] == len(historial["historial"])

    estadisticas = (await http.get("/afiliaciones/sagas/estadisticas", headers=nike)).json()
    assert (estadisticas["total"], estadisticas["en_progreso"]) == (2, 2)
    # an admin still sees every brand's
    todas = (await http.get("/afiliaciones/sagas/estadisticas")).json()
    assert todas["total"] == 5
    assert (await http.get("/afiliaciones/campanas")).json()["total"] == 5


async def test_nike_may_filter_by_its_own_brand_but_not_by_another(
    afiliaciones: RunningService, campanas: dict[str, list[dict[str, Any]]]
) -> None:
    http, nike = afiliaciones.http, as_marca(NIKE)

    propia = await http.get("/afiliaciones/campanas", params={"id_marca": NIKE}, headers=nike)
    assert propia.status_code == 200
    assert propia.json()["total"] == 2

    ajena = await http.get("/afiliaciones/campanas", params={"id_marca": ADIDAS}, headers=nike)
    assert ajena.status_code == 403
    assert ADIDAS in ajena.json()["detail"]


@pytest.mark.parametrize("ruta", ["/afiliaciones/campana", "/afiliaciones/campana-saga"])
async def test_nike_cannot_create_a_campaign_for_adidas(
    afiliaciones: RunningService, ruta: str
) -> None:
    http = afiliaciones.http

    respuesta = await http.post(ruta, json=cuerpo(**de(ADIDAS)), headers=as_marca(NIKE))

    assert respuesta.status_code == 403
    assert respuesta.json() == {
        "detail": "a marca token may only create campaigns for its own brand (nike), not for adidas"
    }
    assert (await http.get("/afiliaciones/campanas")).json()["total"] == 0


async def test_nike_creates_its_own_campaigns(afiliaciones: RunningService) -> None:
    http, nike = afiliaciones.http, as_marca(NIKE)

    creada = await http.post("/afiliaciones/campana", json=cuerpo(**de(NIKE)), headers=nike)
    assert creada.status_code == 201, creada.text
    assert creada.json()["marca"]["id_marca"] == NIKE

    saga = await http.post(
        "/afiliaciones/campana-saga",
        json=cuerpo(**de(NIKE)),
        headers={**nike, "Prefer": "respond-async"},
    )
    assert saga.status_code == 202, saga.text
    assert (await http.get("/afiliaciones/campanas", headers=nike)).json()["total"] == 2


async def test_a_tracker_may_not_read_campaigns(afiliaciones: RunningService) -> None:
    propia = await crear(afiliaciones, **de(NIKE))

    respuesta = await afiliaciones.http.get(
        f"/afiliaciones/campana/{propia['id']}",
        headers=bearer(Role.TRACKER, campanas=[propia["id"]]),
    )

    assert respuesta.status_code == 403


# --- who has no valid token ---


def sin_token(http: httpx.AsyncClient, path: str) -> httpx.Request:
    request = http.build_request("GET", path)
    del request.headers["Authorization"]  # the fixture's client carries an admin's
    return request


def con(valor: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {valor}"}


@pytest.mark.parametrize(
    ("caso", "headers"),
    [
        ("expired", con(token(ttl_seconds=-120))),
        ("forged", con(issue("x" * 40, Role.ADMIN))),
        ("wrong audience", con(issue(TEST_KEY, Role.ADMIN, audience="other"))),
        ("garbage", con("not-a-jwt")),
        ("not a bearer", {"Authorization": "Basic YWRtaW46YWRtaW4="}),
    ],
)
async def test_a_request_without_a_valid_token_is_401_with_a_challenge(
    afiliaciones: RunningService, caso: str, headers: dict[str, str]
) -> None:
    respuesta = await afiliaciones.http.get("/afiliaciones/campanas", headers=headers)

    assert respuesta.status_code == 401, caso
    assert respuesta.headers["WWW-Authenticate"].startswith('Bearer realm="alpes"')


async def test_a_request_without_a_token_is_401_with_a_challenge(
    afiliaciones: RunningService,
) -> None:
    http = afiliaciones.http

    respuesta = await http.send(sin_token(http, "/afiliaciones/campanas"))

    assert respuesta.status_code == 401
    assert respuesta.headers["WWW-Authenticate"] == 'Bearer realm="alpes"'
    assert respuesta.json() == {"detail": "authentication required: a bearer token"}
