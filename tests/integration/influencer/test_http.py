"""The HTTP API of influencer: registering, listing, reading and deactivating influencers."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.conftest import RunningService
from tests.integration.support import filas

from .conftest import registrar

URL = "/influencer/influencers"
CAMPOS = {
    "id_influencer",
    "nombre",
    "plataforma",
    "seguidores",
    "categoria",
    "activo",
    "campanas_activas",
}


async def test_register_then_read_it_back(influencer: RunningService) -> None:
    body = {
        "nombre": "Ana García",
        "plataforma": "Instagram",
        "seguidores": 150000,
        "categoria": "Fitness",
    }

    created = await influencer.http.post(URL, json=body)

    assert created.status_code == 201, created.text
    ana = created.json()
    assert set(ana) == CAMPOS
    assert ana | body == ana
    assert (ana["activo"], ana["campanas_activas"]) == (True, 0)
    read = await influencer.http.get(f"{URL}/{ana['id_influencer']}")
    assert (read.status_code, read.json()) == (200, ana)


async def test_the_same_name_and_platform_twice_is_a_conflict(influencer: RunningService) -> None:
    await registrar(influencer, "Ana García", "Instagram")

    again = await influencer.http.post(
        URL,
        json={
            "nombre": "  ana   GARCÍA ",
            "plataforma": "instagram",
            "seguidores": 1,
            "categoria": "",
        },
    )

    assert again.status_code == 409, again.text
    assert again.json()["detail"]
    assert (await influencer.http.get(URL)).json()["total"] == 1
    other_platform = await influencer.http.post(
        URL, json={"nombre": "Ana García", "plataforma": "TikTok", "seguidores": 1, "categoria": ""}
    )
    assert other_platform.status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        {"nombre": "x", "plataforma": "y", "seguidores": "muchos", "categoria": "z"},
        {"nombre": "x", "plataforma": "y", "seguidores": -1, "categoria": "z"},
        {"nombre": "x", "plataforma": "y", "seguidores": True, "categoria": "z"},
        {"nombre": "x", "plataforma": "y", "seguidores": 2**64, "categoria": "z"},
        {"nombre": "", "plataforma": "y", "seguidores": 1, "categoria": "z"},
        {"nombre": "   ", "plataforma": "y", "seguidores": 1, "categoria": "z"},
        {"nombre": "x" * 201, "plataforma": "y", "seguidores": 1, "categoria": "z"},
        {"nombre": "a\x00b", "plataforma": "y", "seguidores": 1, "categoria": "z"},
        {"nombre": "x", "plataforma": "y", "seguidores": 1},
        {"nombre": "x", "plataforma": "y", "seguidores": 1, "categoria": "z", "activo": False},
        [1, 2],
    ],
    ids=[
        "text-followers",
        "negative-followers",
        "bool-followers",
        "huge-followers",
        "empty-name",
        "blank-name",
        "long-name",
        "nul-in-name",
        "missing-field",
        "unknown-field",
        "not-an-object",
    ],
)
async def test_invalid_influencers_are_422_and_store_nothing(
    influencer: RunningService, body: Any
) -> None:
    response = await influencer.http.post(URL, json=body)

    assert response.status_code == 422, response.text
    assert response.json()["detail"]
    assert await filas(influencer, "SELECT 1 FROM influencers") == []


async def test_malformed_json_is_422(influencer: RunningService) -> None:
    response = await influencer.http.post(
        URL, content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422


async def test_list_filters_by_name_and_platform_and_pages(influencer: RunningService) -> None:
    for nombre, plataforma in [
        ("Ana García", "Instagram"),
        ("Mariana Ruiz", "TikTok"),
        ("Carlos López", "Instagram"),
        ("100% Ana_", "YouTube"),
    ]:
        await registrar(influencer, nombre, plataforma)

    async def nombres(**params: Any) -> tuple[list[str], int]:
        response = await influencer.http.get(URL, params=params)
        assert response.status_code == 200, response.text
        body = response.json()
        return [i["nombre"] for i in body["influencers"]], body["total"]

    assert await nombres(nombre="ANA") == (["100% Ana_", "Ana García", "Mariana Ruiz"], 3)
    assert await nombres(nombre="ana", plataforma="instagram") == (["Ana García"], 1)
    assert await nombres(nombre="%") == (["100% Ana_"], 1)
    assert await nombres(nombre="a_") == (["100% Ana_"], 1)
    assert await nombres(limit=2, offset=1) == (["Ana García", "Carlos López"], 4)
    assert await nombres(nombre="nadie") == ([], 0)


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 501}, {"offset": -1}, {"limit": "x"}, {"nombre": "a\x00"}],
)
async def test_invalid_list_parameters_are_422(
    influencer: RunningService, params: dict[str, Any]
) -> None:
    response = await influencer.http.get(URL, params=params)
    assert response.status_code == 422, response.text


async def test_unknown_ids_are_404(influencer: RunningService) -> None:
    for missing in ("00000000-0000-0000-0000-000000000000", "x" * 500, "a%00b"):
        for path in (f"{URL}/{missing}", f"{URL}/{missing}/campanas"):
            response = await influencer.http.get(path)
            assert response.status_code == 404, (path, response.text)
        response = await influencer.http.patch(f"{URL}/{missing}", json={"activo": False})
        assert response.status_code == 404, response.text


async def test_deactivate(influencer: RunningService) -> None:
    ana = await registrar(influencer, "Ana García")
    url = f"{URL}/{ana['id_influencer']}"

    response = await influencer.http.patch(url, json={"activo": False})

    assert response.status_code == 200, response.text
    assert response.json() == ana | {"activo": False}
    assert (await influencer.http.get(url)).json()["activo"] is False
    again = await influencer.http.patch(url, json={"activo": False})
    assert (again.status_code, again.json()["activo"]) == (200, False)
    reactivate = await influencer.http.patch(url, json={"activo": True})
    assert reactivate.status_code == 409, reactivate.text


@pytest.mark.parametrize("body", [{}, {"activo": "no"}, {"activo": False, "nombre": "otro"}])
async def test_invalid_patches_are_422(influencer: RunningService, body: dict[str, Any]) -> None:
    ana = await registrar(influencer, "Ana García")
    response = await influencer.http.patch(f"{URL}/{ana['id_influencer']}", json=body)
    assert response.status_code == 422, response.text
    assert (await influencer.http.get(f"{URL}/{ana['id_influencer']}")).json() == ana


async def test_an_influencer_without_campaigns_has_an_empty_list(
    influencer: RunningService,
) -> None:
    ana = await registrar(influencer, "Ana García")
    response = await influencer.http.get(f"{URL}/{ana['id_influencer']}/campanas")
    vacia = {"campanas": [], "total": 0, "total_exacto": True, "siguiente": None}
    assert (response.status_code, response.json()) == (200, vacia)


async def test_health_ready_and_asyncapi(influencer: RunningService) -> None:
    assert (await influencer.http.get("/health")).status_code == 200
    assert (await influencer.http.get("/ready")).status_code == 200
    doc = (await influencer.http.get("/asyncapi.json")).json()
    messages = {name: set(channel["messages"]) for name, channel in doc["channels"].items()}
    assert messages["influencer:eventos"] == {
        "InfluencersAsignados",
        "AsignacionInfluencersRechazada",
        "InfluencersLiberados",
    }
    assert messages["influencer:alpes.afiliaciones.eventos"] == {
        "CampanaCreada",
        "CampanaCancelada",
        "CampanaFinalizada",
    }
    assert messages["influencer:alpes.marca.eventos"] == {"ReservaPresupuestoRechazada"}
    assert messages["influencer:alpes.tracking.eventos"] == {"HabilitacionTrackingRechazada"}
