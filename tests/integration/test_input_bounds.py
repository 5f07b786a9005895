"""No 500 from input, and a saga request a participant would refuse is a 422 before any saga.

The limits are ``contracts.limites``: beyond each one afiliaciones answers 422 naming the field and
nothing changes (no campaign, no saga, no event); at each exact limit the request is accepted and
its saga completes in marca, influencer and tracking. Every integer query parameter of
afiliaciones, marca and influencer declares its bounds, and values past them are a 422.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import pytest

import contracts as c
from contracts import limites
from tests.helpers import eventually
from tests.integration.afiliaciones.conftest import barrera, cuerpo
from tests.integration.conftest import EventProbe, RunningService, StartService

ANA = {"nombre": "Ana", "plataforma": "IG", "seguidores": 1, "categoria": "c"}
PRESUPUESTO_MAXIMO = math.nextafter(limites.PRESUPUESTO_TOPE, 0)


@pytest.fixture
async def afiliaciones(start_service: StartService) -> RunningService:
    return await start_service("afiliaciones")


def _con(**influencer: Any) -> dict[str, Any]:
    return cuerpo(influencers=[ANA | influencer])


def _marca(**marca: Any) -> dict[str, Any]:
    return cuerpo(marca={"id_marca": "m-1", "nombre_marca": "Nike"} | marca)


# (case, body as JSON text, the field the detail must name)
FUERA: list[tuple[str, str, str]] = [
    (caso, json.dumps(body), campo)
    for caso, body, campo in [
        ("fecha de año 1 con zona +05:00", cuerpo(fecha_inicio="0001-01-01T00:00:00+05:00"), "fecha_inicio"),
        ("fecha de año 9999 con zona -05:00", cuerpo(fecha_fin="9999-12-31T23:00:00-05:00"), "fecha_fin"),
        ("un microsegundo antes de 1900", cuerpo(fecha_inicio="1899-12-31T23:59:59.999999Z"), "fecha_inicio"),
        ("1900 a las 00:00 en +00:01", cuerpo(fecha_inicio="1900-01-01T00:00:00+00:01"), "fecha_inicio"),
        ("el último día de 9999", cuerpo(fecha_fin="9999-12-31T00:00:00Z"), "fecha_fin"),
        ("el último día de 9999, sin zona", cuerpo(fecha_fin="9999-12-31T00:00:00"), "fecha_fin"),
        ("año 1 sin zona", cuerpo(fecha_inicio="0001-01-01T00:00:00"), "fecha_inicio"),
        ("id_marca de 65", _marca(id_marca="m" * 65), "marca.id_marca"),
        ("id_marca de 200 (tracking guarda 64)", _marca(id_marca="m" * 200), "marca.id_marca"),
        ("nombre_marca de 201", _marca(nombre_marca="n" * 201), "marca.nombre_marca"),
        ("nombre de 201", cuerpo(nombre="n" * 201), "nombre"),
        ("descripcion de 2001", cuerpo(descripcion="d" * 2001), "descripcion"),
        ("nombre de influencer de 201", _con(nombre="n" * 201), "influencers.0.nombre"),
        ("plataforma de 101", _con(plataforma="p" * 101), "influencers.0.plataforma"),
        ("categoria de 101", _con(categoria="c" * 101), "influencers.0.categoria"),
        ("seguidores 2**63", _con(seguidores=2**63), "influencers.0.seguidores"),
        ("seguidores -1", _con(seguidores=-1), "influencers.0.seguidores"),
        ("seguidores de 400 dígitos", _con(seguidores=10**400), "influencers.0.seguidores"),
        ("seguidores no enteros", _con(seguidores=1.5), "influencers.0.seguidores"),
        (
            "51 influencers",
            cuerpo(influencers=[ANA | {"nombre": f"i{n}"} for n in range(limites.MAXIMO_INFLUENCERS + 1)]),
            "influencers",
        ),
        ("presupuesto en el tope", cuerpo(presupuesto=limites.PRESUPUESTO_TOPE), "presupuesto"),
        ("presupuesto booleano", cuerpo(presupuesto=True), "presupuesto"),
        ("presupuesto en texto", cuerpo(presupuesto="15000"), "presupuesto"),
        ("presupuesto cero", cuerpo(presupuesto=0), "presupuesto"),
    ]
] + [
    ("presupuesto 1e400 (infinito en JSON)", json.dumps(cuerpo(presupuesto=1)).replace('"presupuesto": 1', '"presupuesto": 1e400'), "presupuesto"),
    ("presupuesto de 400 dígitos", json.dumps(cuerpo(presupuesto=1)).replace('"presupuesto": 1', f'"presupuesto": {10**400}'), "presupuesto"),
]  # fmt: skip


async def _estado_visible(svc: RunningService) -> tuple[Any, Any]:
    campanas = (await svc.http.get("/afiliaciones/campanas")).json()
    estadisticas = (await svc.http.get("/afiliaciones/sagas/estadisticas")).json()
    return campanas, estadisticas


async def test_each_input_beyond_a_limit_is_a_422_naming_it_and_no_saga_starts(
    afiliaciones: RunningService, probe: EventProbe
) -> None:
    await barrera(afiliaciones, probe)  # one campaign exists: "unchanged" is not "empty"
    antes = await _estado_visible(afiliaciones)

    for caso, body, campo in FUERA:
        for path in ("/afiliaciones/campana", "/afiliaciones/campana-saga"):
            response = await afiliaciones.http.post(
                path, content=body.encode(), headers={"content-type": "application/json"}
            )
            assert response.status_code == 422, (caso, path, response.text)
            detail = response.json()["detail"]
            assert isinstance(detail, str) and campo in detail, (caso, detail)

    assert await _estado_visible(afiliaciones) == antes
    await barrera(afiliaciones, probe)
    assert [e.nombre for e in probe.of(c.CampanaCreada)] == ["barrera", "barrera"]


def al_limite() -> dict[str, Any]:
    """A request at every limit at once; the dates are the bounds in other time zones."""
    influencers = [
        {
            "nombre": f"{n:n>{limites.LARGO_NOMBRE}}",
            "plataforma": "p" * limites.LARGO_PLATAFORMA,
            "seguidores": limites.SEGUIDORES_MAXIMO if n % 2 else 0,
            "categoria": "c" * limites.LARGO_CATEGORIA,
        }
        for n in range(limites.MAXIMO_INFLUENCERS)
    ]
    return cuerpo(
        nombre="N" * limites.LARGO_NOMBRE,
        descripcion="D" * limites.LARGO_DESCRIPCION,
        fecha_inicio="1900-01-01T05:00:00+05:00",
        fecha_fin="9999-12-30T18:59:59.999999-05:00",
        presupuesto=PRESUPUESTO_MAXIMO,
        marca={
            "id_marca": "m" * limites.LARGO_ID_MARCA,
            "nombre_marca": "B" * limites.LARGO_NOMBRE,
        },
        influencers=influencers,
    )


@pytest.mark.parametrize(
    "body",
    [
        al_limite(),
        cuerpo(fecha_inicio="1900-01-01T00:00:00", fecha_fin="9999-12-30T23:59:59.999999"),
        cuerpo(fecha_inicio="1900-01-01T00:00:00Z", fecha_fin="9999-12-30T23:59:59.999999+00:00"),
        cuerpo(presupuesto=5e-324),
    ],
    ids=["every limit", "naive bounds", "UTC bounds", "smallest budget"],
)
async def test_a_request_at_the_exact_limits_is_accepted(
    afiliaciones: RunningService, body: dict[str, Any]
) -> None:
    response = await afiliaciones.http.post("/afiliaciones/campana", json=body)

    assert response.status_code == 201, response.text
    campana = response.json()
    assert campana["presupuesto"] == body["presupuesto"]
    assert campana["marca"] == body["marca"]
    assert campana["influencers"] == body["influencers"]
    assert (await afiliaciones.http.get(f"/afiliaciones/campana/{campana['id']}")).json() == campana
    response = await afiliaciones.http.post(
        "/afiliaciones/campana-saga", json=body, headers={"Prefer": "wait=0"}
    )
    assert response.status_code == 202, response.text


async def test_a_saga_at_every_limit_completes_in_every_participant(
    start_service: StartService,
) -> None:
    afiliaciones = await start_service("afiliaciones")
    marca = await start_service("marca")
    influencer = await start_service("influencer")
    await start_service("tracking")
    body = al_limite()
    registrada = await marca.http.post(
        "/marca/marcas",
        json={
            "id_marca": body["marca"]["id_marca"],
            "nombre": body["marca"]["nombre_marca"],
            "presupuesto_total": PRESUPUESTO_MAXIMO,
        },
    )
    assert registrada.status_code == 201, registrada.text

    response = await afiliaciones.http.post("/afiliaciones/campana", json=body)
    assert response.status_code == 201, response.text
    campana = response.json()

    async def completada() -> bool:
        saga = await afiliaciones.http.get(f"/afiliaciones/campana/{campana['id']}/saga")
        return bool(saga.json()["estado_saga"] == "completada")

    await eventually(completada, timeout=30, message="the saga at every limit completes")
    brand = (await marca.http.get(f"/marca/marcas/{body['marca']['id_marca']}")).json()
    assert brand["presupuesto_reservado"] == PRESUPUESTO_MAXIMO
    listed = (
        await influencer.http.get(
            "/influencer/influencers", params={"plataforma": "p" * limites.LARGO_PLATAFORMA}
        )
    ).json()
    assert listed["total"] == limites.MAXIMO_INFLUENCERS
    assert {i["campanas_activas"] for i in listed["influencers"]} == {1}


# --- integer query parameters: every one is bounded, read from each service's OpenAPI ---


async def _rutas_con_ids(servicio: str, svc: RunningService) -> dict[str, str]:
    """What to put in each path parameter: an id that exists, so the query is what is judged."""
    if servicio == "afiliaciones":
        creada = (await svc.http.post("/afiliaciones/campana", json=cuerpo())).json()
        return {"id_campana": creada["id"], "id_saga": creada["id_saga"]}
    if servicio == "marca":
        creada = (
            await svc.http.post("/marca/marcas", json={"nombre": "Nike", "presupuesto_total": 10})
        ).json()
        return {"id_marca": creada["id_marca"]}
    creado = (await svc.http.post("/influencer/influencers", json=ANA)).json()
    return {"id_influencer": creado["id_influencer"]}


@pytest.mark.parametrize("servicio", ["afiliaciones", "marca", "influencer"])
async def test_every_integer_query_parameter_is_bounded(
    start_service: StartService, servicio: str
) -> None:
    svc = await start_service(servicio)
    ids = await _rutas_con_ids(servicio, svc)
    openapi = (await svc.http.get("/openapi.json")).json()
    probados = 0

    for ruta, operaciones in openapi["paths"].items():
        if "get" not in operaciones:
            continue
        url = re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], ruta)
        for parametro in operaciones["get"].get("parameters", []):
            esquema = parametro["schema"]
            if parametro["in"] != "query" or esquema.get("type") != "integer":
                continue
            nombre, minimo = parametro["name"], esquema.get("minimum")
            maximo = esquema.get("maximum")
            assert minimo is not None and maximo is not None, (ruta, nombre, esquema)
            assert -(2**63) <= minimo <= maximo < 2**63, (ruta, nombre, esquema)
            for valor, esperado in [
                (minimo, 200),
                (maximo, 200),
                (minimo - 1, 422),
                (maximo + 1, 422),
                (10**19, 422),
                (-(10**19), 422),
                (10**400, 422),
            ]:
                response = await svc.http.get(url, params={nombre: str(valor)})
                assert response.status_code == esperado, (ruta, nombre, valor, response.text)
                if esperado == 422:
                    assert nombre in response.json()["detail"], response.text
            probados += 1

    assert probados >= {"afiliaciones": 5, "marca": 4, "influencer": 4}[servicio]
