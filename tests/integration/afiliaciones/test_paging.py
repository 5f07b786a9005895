"""The campaign, saga and timeline lists page by cursor (``siguiente``, passed back as
``cursor``): every item once, in the list's order, whatever is inserted meanwhile; a cursor that
is not one of the list's is a 422; ``total`` is exact up to 1,000 and an estimate past it."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from tests.integration.afiliaciones.conftest import crear
from tests.integration.conftest import RunningService
from tests.integration.support import ejecutar, read

CAMPANAS = "/afiliaciones/campanas"


async def paginas(svc: RunningService, path: str, campo: str, **params: Any) -> list[list[Any]]:
    """Every page of ``path``, following ``siguiente`` until it is null."""
    pagina = await read(svc, path, **params)
    todas = [pagina[campo]]
    while pagina["siguiente"] is not None:
        pagina = await read(svc, path, **params, cursor=pagina["siguiente"])
        todas.append(pagina[campo])
    return todas


async def test_paging_by_cursor_sees_every_campaign_once_in_order(
    afiliaciones: RunningService,
) -> None:
    creadas = [await crear(afiliaciones, nombre=f"c{n}") for n in range(7)]
    # two campaigns created in the same instant: the id breaks the tie, on every page
    await ejecutar(
        afiliaciones,
        "UPDATE campanas SET fecha_creacion = (SELECT fecha_creacion FROM campanas WHERE id = :a)"
        " WHERE id IN (:a, :b, :c)",
        a=creadas[2]["id"],
        b=creadas[3]["id"],
        c=creadas[4]["id"],
    )
    todas = await read(afiliaciones, CAMPANAS, limit=100)
    assert (todas["total"], todas["total_exacto"], todas["siguiente"]) == (7, True, None)

    por_paginas = await paginas(afiliaciones, CAMPANAS, "campanas", limit=3)

    assert [len(p) for p in por_paginas] == [3, 3, 1]
    assert [c for p in por_paginas for c in p] == todas["campanas"]
    assert sorted(c["id"] for c in todas["campanas"]) == sorted(c["id"] for c in creadas)


async def test_a_cursor_keeps_the_filters_of_its_request(afiliaciones: RunningService) -> None:
    nike = [await crear(afiliaciones, nombre=f"n{n}") for n in range(5)]
    for n in range(3):
        await crear(afiliaciones, nombre=f"o{n}", marca={"id_marca": "otra", "nombre_marca": "O"})
    id_marca = nike[0]["marca"]["id_marca"]

    por_paginas = await paginas(afiliaciones, CAMPANAS, "campanas", limit=2, id_marca=id_marca)

    assert [c["id"] for p in por_paginas for c in p] == [c["id"] for c in nike[::-1]]


async def test_campaigns_created_while_paging_neither_repeat_nor_hide_those_not_yet_seen(
    afiliaciones: RunningService,
) -> None:
    antes = [await crear(afiliaciones, nombre=f"a{n}") for n in range(6)]
    primera = await read(afiliaciones, CAMPANAS, limit=2)
    vistas = list(primera["campanas"])

    nuevas = [await crear(afiliaciones, nombre=f"nueva{n}") for n in range(3)]
    pagina = primera
    while pagina["siguiente"] is not None:
        pagina = await read(afiliaciones, CAMPANAS, limit=2, cursor=pagina["siguiente"])
        vistas += pagina["campanas"]

    # the newer campaigns sort before the position already read: not seen on later pages;
    # every one of the campaigns that were there is seen exactly once, in order
    assert [c["id"] for c in vistas] == [c["id"] for c in antes[::-1]]
    assert pagina["total"] == len(antes) + len(nuevas)


async def test_sagas_and_the_timeline_page_by_cursor(afiliaciones: RunningService) -> None:
    for n in range(5):
        await crear(afiliaciones, nombre=f"s{n}")
    sagas = await read(afiliaciones, "/afiliaciones/sagas", limit=100)
    por_paginas = await paginas(afiliaciones, "/afiliaciones/sagas", "sagas", limit=2)
    assert [s for p in por_paginas for s in p] == sagas["sagas"]
    assert len(sagas["sagas"]) == 5

    historial = await read(afiliaciones, "/afiliaciones/sagas/historial", limit=1000)
    lineas = await paginas(afiliaciones, "/afiliaciones/sagas/historial", "historial", limit=2)
    assert [x for p in lineas for x in p] == historial["historial"]
    assert len(historial["historial"]) == historial["total"] >= 5


def cursor(*valores: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(valores).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("path", "params"),
    [
        (CAMPANAS, {"cursor": "no es un cursor"}),
        (CAMPANAS, {"cursor": "%%%"}),
        (CAMPANAS, {"cursor": cursor("historial", "2025-01-01T00:00:00+00:00", 1)}),
        (CAMPANAS, {"cursor": cursor("campanas", "ayer", "x")}),
        (CAMPANAS, {"cursor": cursor("campanas", "2025-01-01T00:00:00", "x")}),  # no zone
        (CAMPANAS, {"cursor": cursor("campanas", "2025-01-01T00:00:00+00:00", 7)}),
        (CAMPANAS, {"cursor": cursor("campanas", "2025-01-01T00:00:00+00:00", "x" * 65)}),
        (CAMPANAS, {"cursor": cursor("campanas", "2025-01-01T00:00:00+00:00")}),
        (CAMPANAS, {"cursor": cursor({"a": 1})}),
        (CAMPANAS, {"cursor": "x" * 600}),
        (CAMPANAS, {"cursor": cursor("campanas", "2025-01-01T00:00:00+00:00", "x"), "offset": 1}),
        ("/afiliaciones/sagas", {"cursor": cursor("campanas", "2025-01-01T00:00:00+00:00", "x")}),
        ("/afiliaciones/sagas/historial", {"cursor": cursor("historial", "2025-01-01", 2**70)}),
        ("/afiliaciones/sagas/historial", {"cursor": cursor("historial", "2025-01-01", True)}),
    ],
)
async def test_a_cursor_that_is_not_one_of_the_lists_is_422(
    afiliaciones: RunningService, path: str, params: dict[str, Any]
) -> None:
    response = await afiliaciones.http.get(path, params=params)
    assert response.status_code == 422, response.text
    assert isinstance(response.json()["detail"], str)


async def test_past_a_thousand_matches_the_total_is_an_estimate(
    afiliaciones: RunningService,
) -> None:
    modelo = await crear(afiliaciones, nombre="modelo")
    await ejecutar(
        afiliaciones,
        "INSERT INTO campanas SELECT (c).* FROM ("
        " SELECT ROW(gen_random_uuid()::text, c.nombre, c.descripcion, c.tipo, c.estado,"
        " c.fecha_creacion - make_interval(secs => g), c.fecha_inicio, c.fecha_fin, c.presupuesto,"
        " c.id_marca, c.nombre_marca, c.influencers, gen_random_uuid()::text, c.id_correlacion,"
        " c.plazo_saga, c.estado_saga, c.exitos, c.fallos, c.compensaciones,"
        " c.motivo_cancelacion, c.origen_cancelacion, c.version, c.cancelada_en, c.revisar_en"
        " )::campanas AS c FROM campanas AS c, generate_series(1, 1500) AS g WHERE c.id = :id"
        ") AS s",
        id=modelo["id"],
    )
    await ejecutar(afiliaciones, "ANALYZE campanas")

    todas = await read(afiliaciones, CAMPANAS, limit=1)
    de_la_marca = await read(afiliaciones, CAMPANAS, id_marca=modelo["marca"]["id_marca"])
    de_nadie = await read(afiliaciones, CAMPANAS, id_marca="nadie")

    assert todas["total_exacto"] is False
    assert 1000 < todas["total"] <= 3 * 1501  # PostgreSQL's estimate, from fresh statistics
    assert de_la_marca["total_exacto"] is False and de_la_marca["total"] > 1000
    assert (de_nadie["total"], de_nadie["total_exacto"]) == (0, True)
    assert todas["campanas"][0]["id"] == modelo["id"]
