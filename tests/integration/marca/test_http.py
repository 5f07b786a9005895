"""marca's HTTP API: brands, their budget, and validation (never a 500 for bad input)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.integration.conftest import RunningService
from tests.integration.marca.conftest import registrar, ver


async def test_registers_a_brand_and_reads_it_back(marca: RunningService) -> None:
    response = await marca.http.post(
        "/marca/marcas", json={"id_marca": "nike", "nombre": " Nike ", "presupuesto_total": 1500.5}
    )

    assert response.status_code == 201, response.text
    esperado = {
        "id_marca": "nike",
        "nombre": "Nike",
        "presupuesto_total": 1500.5,
        "presupuesto_reservado": 0.0,
        "presupuesto_disponible": 1500.5,
        "activa": True,
    }
    assert response.json() == esperado
    assert await ver(marca, "nike") == esperado


async def test_generates_the_id_when_absent(marca: RunningService) -> None:
    creada = await registrar(marca, id_marca=None, presupuesto_total=10)

    assert uuid.UUID(creada["id_marca"])
    assert (await ver(marca, creada["id_marca"]))["nombre"] == "Nike"


async def test_an_existing_id_is_a_conflict(marca: RunningService) -> None:
    await registrar(marca, id_marca="adidas", presupuesto_total=10)

    response = await marca.http.post(
        "/marca/marcas", json={"id_marca": "adidas", "nombre": "Otra", "presupuesto_total": 99}
    )

    assert response.status_code == 409
    assert "adidas" in response.json()["detail"]
    assert (await ver(marca, "adidas"))["nombre"] == "Nike"


@pytest.mark.parametrize(
    "cuerpo",
    [
        {"nombre": "Nike", "presupuesto_total": -1},
        {"nombre": "", "presupuesto_total": 10},
        {"nombre": "   ", "presupuesto_total": 10},
        {"nombre": "x" * 201, "presupuesto_total": 10},
        {"nombre": "Ni\x00ke", "presupuesto_total": 10},
        {"presupuesto_total": 10},
        {"nombre": "Nike"},
        {"nombre": "Nike", "presupuesto_total": "mucho"},
        {"nombre": "Nike", "presupuesto_total": True},
        {"nombre": "Nike", "presupuesto_total": 1e300},
        {"nombre": 42, "presupuesto_total": 10},
        {"id_marca": "", "nombre": "Nike", "presupuesto_total": 10},
        {"id_marca": " ", "nombre": "Nike", "presupuesto_total": 10},
        {"id_marca": "y" * 201, "nombre": "Nike", "presupuesto_total": 10},
        {"nombre": "Nike", "presupuesto_total": 10, "activa": False},
        [],
    ],
)
async def test_invalid_brands_are_422(marca: RunningService, cuerpo: Any) -> None:
    response = await marca.http.post("/marca/marcas", json=cuerpo)

    assert response.status_code == 422, response.text
    assert response.json()["detail"]
    assert (await marca.http.get("/marca/marcas")).json()["total"] == 0


@pytest.mark.parametrize(
    "contenido",
    [
        b'{"nombre": "Nike", "presupuesto_total": NaN}',
        b'{"nombre": "Nike", "presupuesto_total": Infinity}',
        b'{"nombre": "\\ud800", "presupuesto_total": 1}',
        b'{"nombre": "Nike", ',
        b"\xff\xfe",
    ],
)
async def test_malformed_bodies_are_422(marca: RunningService, contenido: bytes) -> None:
    response = await marca.http.post(
        "/marca/marcas", content=contenido, headers={"content-type": "application/json"}
    )

    assert response.status_code == 422, response.text


async def test_unknown_brands_are_404(marca: RunningService) -> None:
    for path in ("/marca/marcas/nadie", "/marca/marcas/na%00die", "/marca/marcas/nadie/campanas"):
        response = await marca.http.get(path)
        assert response.status_code == 404, (path, response.text)
        assert "nadie" in response.json()["detail"]
    response = await marca.http.patch("/marca/marcas/nadie", json={"activa": False})
    assert response.status_code == 404


async def test_lists_brands_by_name_with_filter_and_paging(marca: RunningService) -> None:
    for nombre in ("Cc", "Aa", "Bb"):
        await registrar(marca, id_marca=nombre.lower(), nombre=nombre, presupuesto_total=1)
    await marca.http.patch("/marca/marcas/bb", json={"activa": False})

    todas = (await marca.http.get("/marca/marcas")).json()
    activas = (await marca.http.get("/marca/marcas", params={"activa": "true"})).json()
    pagina = (await marca.http.get("/marca/marcas", params={"limit": 1, "offset": 1})).json()

    assert [m["nombre"] for m in todas["marcas"]] == ["Aa", "Bb", "Cc"]
    assert todas["total"] == 3
    assert ([m["id_marca"] for m in activas["marcas"]], activas["total"]) == (["aa", "cc"], 2)
    assert ([m["id_marca"] for m in pagina["marcas"]], pagina["total"]) == (["bb"], 3)


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": 501}, {"offset": -1}, {"activa": "quizas"}, {"limit": "x"}]
)
async def test_invalid_list_parameters_are_422(marca: RunningService, params: Any) -> None:
    response = await marca.http.get("/marca/marcas", params=params)

    assert response.status_code == 422, response.text


async def test_deactivates_a_brand_idempotently(marca: RunningService) -> None:
    creada = await registrar(marca, presupuesto_total=100)
    url = f"/marca/marcas/{creada['id_marca']}"

    primera = await marca.http.patch(url, json={"activa": False})
    segunda = await marca.http.patch(url, json={"activa": False})

    assert primera.status_code == segunda.status_code == 200
    assert primera.json() == creada | {"activa": False}
    assert (await ver(marca, creada["id_marca"]))["activa"] is False


async def test_changes_the_total_budget(marca: RunningService) -> None:
    creada = await registrar(marca, presupuesto_total=100)

    response = await marca.http.patch(
        f"/marca/marcas/{creada['id_marca']}", json={"presupuesto_total": 250}
    )

    assert response.status_code == 200, response.text
    assert response.json()["presupuesto_total"] == response.json()["presupuesto_disponible"] == 250


@pytest.mark.parametrize(
    "cuerpo",
    [
        {"activa": True},
        {"activa": "no"},
        {"presupuesto_total": -5},
        {"presupuesto_total": None, "nombre": "otro"},
        {"nombre": "otro"},
    ],
)
async def test_invalid_patches_are_422(marca: RunningService, cuerpo: Any) -> None:
    creada = await registrar(marca, presupuesto_total=100)

    response = await marca.http.patch(f"/marca/marcas/{creada['id_marca']}", json=cuerpo)

    assert response.status_code == 422, response.text
    assert await ver(marca, creada["id_marca"]) == creada


async def test_a_new_brand_has_no_campaigns(marca: RunningService) -> None:
    creada = await registrar(marca, presupuesto_total=100)

    response = await marca.http.get(f"/marca/marcas/{creada['id_marca']}/campanas")

    assert response.json() == {"campanas": [], "total": 0, "total_exacto": True, "siguiente": None}


async def test_health_and_readiness(marca: RunningService) -> None:
    assert (await marca.http.get("/health")).status_code == 200
    ready = await marca.http.get("/ready")
    assert ready.status_code == 200, ready.text
    doc = (await marca.http.get("/asyncapi.json")).json()
    assert set(doc["components"]["messages"]) >= {"CampanaCreada", "PresupuestoReservado"}
