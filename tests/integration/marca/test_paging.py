"""marca's lists page by cursor (``siguiente``, passed back as ``cursor``): every brand once,
in the list's order, and a cursor that is not one of the list's is a 422."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.conftest import RunningService
from tests.integration.marca.conftest import registrar
from tests.integration.support import read


async def test_paging_brands_by_cursor_sees_every_one_once_in_order(marca: RunningService) -> None:
    # equal names: the id breaks the tie, on every page
    for n, nombre in enumerate(["Nike", "Adidas", "Nike", "Puma", "Nike", "Asics", "Nike"]):
        await registrar(marca, id_marca=f"m{n}", nombre=nombre, presupuesto_total=1)
    todas = await read(marca, "/marca/marcas", limit=500)

    pagina = await read(marca, "/marca/marcas", limit=3)
    vistas = list(pagina["marcas"])
    await registrar(marca, id_marca="m9", nombre="Zara", presupuesto_total=1)  # after them all
    while pagina["siguiente"] is not None:
        pagina = await read(marca, "/marca/marcas", limit=3, cursor=pagina["siguiente"])
        vistas += pagina["marcas"]

    assert [m["id_marca"] for m in vistas] == [m["id_marca"] for m in todas["marcas"]] + ["m9"]
    assert [m["nombre"] for m in todas["marcas"]] == sorted(m["nombre"] for m in todas["marcas"])
    assert (pagina["total"], pagina["total_exacto"]) == (8, True)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/marca/marcas", {"cursor": "nada"}),
        ("/marca/marcas", {"cursor": "WyJjYW1wYW5hcyIsIngiXQ"}),  # ["campanas","x"]
        ("/marca/marcas", {"cursor": "WyJtYXJjYXMiLCJ4IiwieCJd", "offset": 2}),
    ],
)
async def test_a_cursor_that_is_not_one_of_the_lists_is_422(
    marca: RunningService, path: str, params: dict[str, Any]
) -> None:
    response = await marca.http.get(path, params=params)
    assert response.status_code == 422, response.text
