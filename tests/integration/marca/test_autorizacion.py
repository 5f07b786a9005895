"""Brands on marca, as a brand would try it: Nike reads its own brand and budget, never
Adidas's (404 as an unknown id), and cannot change its budget or activation (an operator's
action, 403)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.auth import as_marca
from tests.integration.conftest import RunningService
from tests.integration.marca.conftest import registrar, ver

NIKE = "nike"
ADIDAS = "adidas"


@pytest.fixture
async def marcas(marca: RunningService) -> dict[str, dict[str, Any]]:
    return {
        NIKE: await registrar(marca, id_marca=NIKE, nombre="Nike", presupuesto_total=1000),
        ADIDAS: await registrar(marca, id_marca=ADIDAS, nombre="Adidas", presupuesto_total=5000),
    }


async def test_nike_lists_only_itself(
    marca: RunningService, marcas: dict[str, dict[str, Any]]
) -> None:
    lista = (await marca.http.get("/marca/marcas", headers=as_marca(NIKE))).json()

    assert lista["marcas"] == [marcas[NIKE]]
    assert (lista["total"], lista["siguiente"]) == (1, None)
    assert (await marca.http.get("/marca/marcas")).json()["total"] == 2  # an admin's: all


async def test_nike_reads_its_own_brand_and_campaigns(
    marca: RunningService, marcas: dict[str, dict[str, Any]]
) -> None:
    nike = as_marca(NIKE)

    propia = await marca.http.get(f"/marca/marcas/{NIKE}", headers=nike)
    assert propia.status_code == 200
    assert propia.json() == marcas[NIKE]
    campanas = await marca.http.get(f"/marca/marcas/{NIKE}/campanas", headers=nike)
    assert campanas.status_code == 200
    assert campanas.json()["campanas"] == []


@pytest.mark.parametrize("path", ["", "/campanas"])
async def test_adidas_does_not_exist_for_nike(
    marca: RunningService, marcas: dict[str, dict[str, Any]], path: str
) -> None:
    nike = as_marca(NIKE)

    ajena = await marca.http.get(f"/marca/marcas/{ADIDAS}{path}", headers=nike)
    desconocida = await marca.http.get(f"/marca/marcas/puma{path}", headers=nike)

    assert ajena.status_code == desconocida.status_code == 404
    assert ajena.json() == {"detail": "No existe la marca adidas."}
    assert desconocida.json() == {"detail": "No existe la marca puma."}


@pytest.mark.parametrize("cambio", [{"presupuesto_total": 1_000_000}, {"activa": False}])
async def test_nike_cannot_change_its_budget_or_activation(
    marca: RunningService, marcas: dict[str, dict[str, Any]], cambio: dict[str, Any]
) -> None:
    respuesta = await marca.http.patch(f"/marca/marcas/{NIKE}", json=cambio, headers=as_marca(NIKE))

    assert respuesta.status_code == 403
    assert await ver(marca, NIKE) == marcas[NIKE]


async def test_a_brand_cannot_register_brands(marca: RunningService) -> None:
    cuerpo = {"id_marca": NIKE, "nombre": "Nike", "presupuesto_total": 10}

    respuesta = await marca.http.post("/marca/marcas", json=cuerpo, headers=as_marca(NIKE))

    assert respuesta.status_code == 403
    assert (await marca.http.get("/marca/marcas")).json()["total"] == 0
