"""afiliaciones over HTTP: create, read, list, lifecycle, and every bad input answered with 4xx."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

import contracts as c
from tests.helpers import eventually, seed_request
from tests.integration.afiliaciones.conftest import (
    barrera,
    crear,
    cuerpo,
    estado,
    exitos,
    llega_a,
)
from tests.integration.conftest import EventProbe, RunningService, StartService
from tests.integration.support import created, filas

# --- create ---


async def test_post_stores_the_campaign_and_publishes_one_fat_campana_creada(
    afiliaciones: RunningService, probe: EventProbe
) -> None:
    campana = await created(
        afiliaciones, "/afiliaciones/campana", cuerpo(), headers={"X-Correlation-ID": "corr-42"}
    )

    assert set(campana) == {
        "id", "marca", "nombre", "descripcion", "tipo", "estado", "fecha_creacion",
        "fecha_inicio", "fecha_fin", "presupuesto", "influencers", "id_saga",
    }  # fmt: skip
    assert campana["estado"] == "creada"
    assert campana["presupuesto"] == 15000.0
    assert campana["marca"] == cuerpo()["marca"]
    assert campana["influencers"] == cuerpo()["influencers"]
    assert datetime.fromisoformat(campana["fecha_inicio"]) == datetime(2025, 1, 1, tzinfo=UTC)
    assert (await afiliaciones.http.get(f"/afiliaciones/campana/{campana['id']}")).json() == campana

    [creada] = await eventually(
        lambda: probe.of(c.CampanaCreada, campana["id"]), message="CampanaCreada published"
    )
    assert (creada.id_saga, creada.id_correlacion) == (campana["id_saga"], "corr-42")
    assert (creada.nombre, creada.descripcion) == (cuerpo()["nombre"], cuerpo()["descripcion"])
    assert (creada.tipo, creada.estado, creada.presupuesto) == ("influencer", "creada", 15000.0)
    assert creada.marca == c.MarcaCampana(
        id_marca=cuerpo()["marca"]["id_marca"], nombre_marca="Nike"
    )
    assert [(i.nombre, i.plataforma, i.seguidores, i.categoria) for i in creada.influencers] == [
        ("Ana García", "Instagram", 150000, "Fitness"),
        ("Carlos López", "TikTok", 300000, "Lifestyle"),
    ]
    assert creada.fecha_inicio == datetime(2025, 1, 1, tzinfo=UTC)
    assert creada.fecha_fin == datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert creada.fecha_creacion == datetime.fromisoformat(campana["fecha_creacion"])
    assert creada.plazo_saga == creada.fecha_creacion + timedelta(
        seconds=afiliaciones.settings.saga_deadline_seconds
    )
    await barrera(afiliaciones, probe)
    assert len(probe.of(c.CampanaCreada, campana["id"])) == 1
    assert await filas(afiliaciones, "SELECT id FROM outbox") == []


async def test_campana_saga_answers_202_with_the_saga(
    afiliaciones: RunningService, probe: EventProbe
) -> None:
    response = await afiliaciones.http.post(
        "/afiliaciones/campana-saga", json=cuerpo(), headers={"Prefer": "wait=0"}
    )

    assert response.status_code == 202, response.text
    body = response.json()
    assert body["estado"] == "en_progreso" and body["mensaje"]
    saga = (await afiliaciones.http.get(f"/afiliaciones/saga/{body['id_saga']}/estado")).json()
    assert (saga["id_campana"], saga["estado_saga"]) == (body["id_campana"], "en_progreso")
    assert saga["estado_campana"] == "creada"
    assert [e["evento"] for e in saga["linea_de_tiempo"]] == ["CampanaCreada"]
    await eventually(lambda: probe.of(c.CampanaCreada, body["id_campana"]))


INVALIDOS: dict[str, Any] = {
    "presupuesto cero (seed)": seed_request("crear campaña - presupuesto invalido"),
    "presupuesto negativo": cuerpo(presupuesto=-5),
    "nombre vacío (seed)": seed_request("crear campaña - sin nombre"),
    "nombre en blanco": cuerpo(nombre="   "),
    "tipo inválido (seed)": seed_request("crear campaña - tipo inválido"),
    "tipo desconocido": cuerpo(tipo="tipo_invalido"),
    "fecha_fin antes de fecha_inicio": cuerpo(fecha_fin="2024-01-01T00:00:00"),
    "fecha_fin igual a fecha_inicio": cuerpo(fecha_fin="2025-01-01T00:00:00"),
    "nombre demasiado largo": cuerpo(nombre="x" * 201),
    "descripcion demasiado larga": cuerpo(descripcion="x" * 2001),
    "51 influencers": cuerpo(
        influencers=[
            {"nombre": f"i{n}", "plataforma": "Instagram", "seguidores": 1, "categoria": "c"}
            for n in range(51)
        ]
    ),
    "influencer repetido": cuerpo(
        influencers=[
            {"nombre": "Ana", "plataforma": "Instagram", "seguidores": 1, "categoria": "c"},
            {"nombre": " ana ", "plataforma": "instagram", "seguidores": 2, "categoria": "c"},
        ]
    ),
    "seguidores negativos": cuerpo(
        influencers=[{"nombre": "Ana", "plataforma": "X", "seguidores": -1, "categoria": "c"}]
    ),
    "seguidores fuera de un long": cuerpo(
        influencers=[{"nombre": "Ana", "plataforma": "X", "seguidores": 2**64, "categoria": "c"}]
    ),
    "marca sin id": cuerpo(marca={"nombre_marca": "Nike"}),
    "id_marca vacío": cuerpo(marca={"id_marca": " ", "nombre_marca": "Nike"}),
    "presupuesto no numérico": cuerpo(presupuesto="mucho"),
    "presupuesto enorme": cuerpo(presupuesto=1e300),
    "fecha no es fecha": cuerpo(fecha_inicio="mañana"),
    "nombre no es texto": cuerpo(nombre=12),
    "influencers no es lista": cuerpo(influencers="Ana"),
    "NUL en el nombre": cuerpo(nombre="Campa\x00ña"),
    "surrogate suelto": cuerpo(nombre="Campa\ud800ña"),
    "cuerpo es una lista": [cuerpo()],
    "cuerpo vacío": {},
}


async def test_invalid_requests_are_422_and_nothing_is_stored_or_published(
    afiliaciones: RunningService, probe: EventProbe
) -> None:
    for caso, body in INVALIDOS.items():
        payload = json.dumps(body, ensure_ascii=True).encode()
        for path in ("/afiliaciones/campana", "/afiliaciones/campana-saga"):
            response = await afiliaciones.http.post(
                path, content=payload, headers={"content-type": "application/json"}
            )
            assert response.status_code == 422, (caso, path, response.text)
            assert isinstance(response.json()["detail"], str), caso

    assert await filas(afiliaciones, "SELECT id FROM campanas") == []
    assert await filas(afiliaciones, "SELECT id FROM linea_de_tiempo_saga") == []
    assert await filas(afiliaciones, "SELECT id FROM outbox") == []
    await barrera(afiliaciones, probe)
    assert [e.nombre for e in probe.of(c.CampanaCreada)] == ["barrera"]


async def test_the_domain_message_is_the_detail(afiliaciones: RunningService) -> None:
    response = await afiliaciones.http.post(
        "/afiliaciones/campana", json=cuerpo(fecha_fin="2024-01-01T00:00:00")
    )
    assert response.status_code == 422
    assert "fecha_fin" in response.json()["detail"]


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"nombre": ', "application/json"),
        (b"\xff\xfe\x00garbage", "application/json"),
        (b"nombre=x", "application/x-www-form-urlencoded"),
        (b"", "application/json"),
        (b"null", "application/json"),
        (b'{"presupuesto": NaN}', "application/json"),
    ],
)
async def test_malformed_bodies_are_4xx(
    afiliaciones: RunningService, content: bytes, content_type: str
) -> None:
    response = await afiliaciones.http.post(
        "/afiliaciones/campana", content=content, headers={"content-type": content_type}
    )
    assert 400 <= response.status_code < 500, response.text
    assert "detail" in response.json()


async def test_a_body_over_the_limit_is_413(start_service: StartService) -> None:
    svc = await start_service("afiliaciones", max_body_bytes=10_000)
    body = cuerpo(descripcion="x" * 20_000)

    response = await svc.http.post("/afiliaciones/campana", json=body)
    assert response.status_code == 413

    async def streamed() -> AsyncIterator[bytes]:  # no Content-Length: the limit still holds
        for _ in range(20):
            yield b" " * 1000

    response = await svc.http.post(
        "/afiliaciones/campana", content=streamed(), headers={"content-type": "application/json"}
    )
    assert 400 <= response.status_code < 500  # alpes answers 400 here (FastAPI wraps the 413)
    assert await filas(svc, "SELECT id FROM campanas") == []


async def test_naive_and_aware_datetimes_are_the_same_instant(afiliaciones: RunningService) -> None:
    campana = await crear(
        afiliaciones,
        fecha_inicio="2025-01-01T05:00:00+05:00",
        fecha_fin="2025-01-02T00:00:00Z",
    )
    assert datetime.fromisoformat(campana["fecha_inicio"]) == datetime(2025, 1, 1, tzinfo=UTC)
    assert datetime.fromisoformat(campana["fecha_fin"]) == datetime(2025, 1, 2, tzinfo=UTC)


# --- read ---


@pytest.mark.parametrize(
    "path",
    [
        f"/afiliaciones/campana/{uuid.uuid4()}",
        "/afiliaciones/campana/00000000-0000-0000-0000-000000000000",
        "/afiliaciones/campana/no-es-un-uuid",
        "/afiliaciones/campana/%00",
        f"/afiliaciones/campana/{'9' * 5000}",
        f"/afiliaciones/campana/{uuid.uuid4()}/saga",
        f"/afiliaciones/saga/{uuid.uuid4()}/estado",
        "/afiliaciones/saga/nada/estado",
    ],
)
async def test_unknown_or_malformed_ids_are_404(afiliaciones: RunningService, path: str) -> None:
    response = await afiliaciones.http.get(path)
    assert response.status_code == 404
    assert isinstance(response.json()["detail"], str)


async def test_list_filters_pages_and_counts_newest_first(afiliaciones: RunningService) -> None:
    nike = [await crear(afiliaciones, nombre=f"nike {n}") for n in range(5)]
    otra = await crear(afiliaciones, marca={"id_marca": "otra", "nombre_marca": "Adidas"})
    get = afiliaciones.http.get

    todas = (await get("/afiliaciones/campanas")).json()
    assert todas["total"] == 6
    assert [x["id"] for x in todas["campanas"]] == [otra["id"], *[x["id"] for x in nike[::-1]]]
    assert todas["campanas"][0] == otra

    pagina = (await get("/afiliaciones/campanas", params={"limit": 2, "offset": 1})).json()
    assert pagina["total"] == 6
    assert [x["nombre"] for x in pagina["campanas"]] == ["nike 4", "nike 3"]

    de_otra = (await get("/afiliaciones/campanas", params={"id_marca": "otra"})).json()
    assert (de_otra["total"], [x["id"] for x in de_otra["campanas"]]) == (1, [otra["id"]])

    await afiliaciones.http.post(f"/afiliaciones/campana/{nike[0]['id']}/cancelar")
    canceladas = (await get("/afiliaciones/campanas", params={"estado": "cancelada"})).json()
    assert (canceladas["total"], [x["id"] for x in canceladas["campanas"]]) == (1, [nike[0]["id"]])
    creadas = (await get("/afiliaciones/campanas", params={"estado": "creada"})).json()
    assert creadas["total"] == 5

    vacia = (await get("/afiliaciones/campanas", params={"offset": 100})).json()
    assert vacia == {"campanas": [], "total": 6, "total_exacto": True, "siguiente": None}


@pytest.mark.parametrize(
    "params",
    [
        {"estado": "inexistente"},
        {"limit": 0},
        {"limit": 100_000},
        {"limit": "diez"},
        {"offset": -1},
        {"offset": 10**30},
        {"id_marca": "a\x00b"},
        {"id_marca": "x" * 1000},
    ],
)
async def test_bad_list_parameters_are_422(
    afiliaciones: RunningService, params: dict[str, Any]
) -> None:
    response = await afiliaciones.http.get("/afiliaciones/campanas", params=params)
    assert response.status_code == 422, response.text


# --- lifecycle ---


async def test_lifecycle_transitions_and_409_with_the_current_state(
    afiliaciones: RunningService, probe: EventProbe
) -> None:
    campana = await crear(afiliaciones)
    url = f"/afiliaciones/campana/{campana['id']}"
    post = afiliaciones.http.post

    for accion in ("iniciar", "finalizar"):
        response = await post(f"{url}/{accion}")
        assert response.status_code == 409, accion
        assert response.json()["estado"] == "creada"
        assert accion in response.json()["detail"]

    for evento in exitos(campana):
        await probe.publish(evento)
    await eventually(llega_a(afiliaciones, campana["id"], "confirmada"), message="confirmada")

    assert (await post(f"{url}/finalizar")).json()["estado"] == "confirmada"
    iniciada = await post(f"{url}/iniciar")
    assert (iniciada.status_code, iniciada.json()["estado"]) == (200, "iniciada")
    assert iniciada.json()["id"] == campana["id"]
    again = await post(f"{url}/iniciar")
    assert (again.status_code, again.json()["estado"]) == (409, "iniciada")
    finalizada = await post(f"{url}/finalizar")
    assert (finalizada.status_code, finalizada.json()["estado"]) == (200, "finalizada")
    cancelar = await post(f"{url}/cancelar")
    assert (cancelar.status_code, cancelar.json()["estado"]) == (409, "finalizada")

    await eventually(lambda: probe.of(c.CampanaFinalizada, campana["id"]))
    [iniciada_evt] = probe.of(c.CampanaIniciada, campana["id"])
    [finalizada_evt] = probe.of(c.CampanaFinalizada, campana["id"])
    assert finalizada_evt.id_marca == campana["marca"]["id_marca"]
    assert iniciada_evt.id_saga == campana["id_saga"]
    assert probe.of(c.CampanaCancelada, campana["id"]) == []
    saga = (await afiliaciones.http.get(f"{url}/saga")).json()
    assert saga["estado_saga"] == "completada"
    assert [e["evento"] for e in saga["linea_de_tiempo"]][-2:] == [
        "CampanaIniciada",
        "CampanaFinalizada",
    ]


async def test_user_cancellation_with_and_without_a_reason(
    afiliaciones: RunningService, probe: EventProbe
) -> None:
    con, sin = await crear(afiliaciones), await crear(afiliaciones)

    response = await afiliaciones.http.post(
        f"/afiliaciones/campana/{con['id']}/cancelar", json={"motivo": "cambio de planes"}
    )
    assert (response.status_code, response.json()["estado"]) == (200, "cancelada")
    response = await afiliaciones.http.post(f"/afiliaciones/campana/{sin['id']}/cancelar")
    assert (response.status_code, response.json()["estado"]) == (200, "cancelada")
    response = await afiliaciones.http.post(f"/afiliaciones/campana/{sin['id']}/cancelar")
    assert (response.status_code, response.json()["estado"]) == (409, "cancelada")

    [cancelada] = await eventually(lambda: probe.of(c.CampanaCancelada, con["id"]))
    assert (cancelada.origen, cancelada.motivo) == ("usuario", "cambio de planes")
    [cancelada] = await eventually(lambda: probe.of(c.CampanaCancelada, sin["id"]))
    assert cancelada.origen == "usuario" and cancelada.motivo
    saga = (await afiliaciones.http.get(f"/afiliaciones/campana/{con['id']}/saga")).json()
    assert (saga["estado_saga"], saga["origen_cancelacion"]) == ("compensando", "usuario")
    assert saga["linea_de_tiempo"][-1] == {
        "evento": "CampanaCancelada",
        "origen": "usuario",
        "ocurrido_en": saga["linea_de_tiempo"][-1]["ocurrido_en"],
        "motivo": "cambio de planes",
    }


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"motivo": ', "application/json"),
        (b'{"motivo": 5}', "application/json"),
        (b'{"motivo": ""}', "application/json"),
        (json.dumps({"motivo": "x" * 501}).encode(), "application/json"),
    ],
)
async def test_bad_cancel_bodies_are_422_and_change_nothing(
    afiliaciones: RunningService, body: bytes, content_type: str
) -> None:
    campana = await crear(afiliaciones)
    response = await afiliaciones.http.post(
        f"/afiliaciones/campana/{campana['id']}/cancelar",
        content=body,
        headers={"content-type": content_type},
    )
    assert response.status_code == 422, response.text
    assert await estado(afiliaciones, campana["id"]) == "creada"


@pytest.mark.parametrize("accion", ["iniciar", "finalizar", "cancelar"])
async def test_lifecycle_on_an_unknown_campaign_is_404(
    afiliaciones: RunningService, accion: str
) -> None:
    for id_campana in (uuid.uuid4(), "no-es-un-uuid"):
        response = await afiliaciones.http.post(f"/afiliaciones/campana/{id_campana}/{accion}")
        assert response.status_code == 404, response.text


async def test_health_ready_openapi_and_asyncapi(afiliaciones: RunningService) -> None:
    assert (await afiliaciones.http.get("/health")).json() == {"status": "ok"}
    assert (await afiliaciones.http.get("/ready")).status_code == 200
    paths = (await afiliaciones.http.get("/openapi.json")).json()["paths"]
    assert "/afiliaciones/campana" in paths and "/afiliaciones/sagas/estadisticas" in paths
    doc = (await afiliaciones.http.get("/asyncapi.json")).json()
    assert set(doc["channels"]["afiliaciones:eventos"]["messages"]) == {
        "CampanaCreada", "CampanaConfirmada", "CampanaCancelada", "CampanaIniciada",
        "CampanaFinalizada",
    }  # fmt: skip
    assert "PresupuestoReservado" in doc["channels"]["afiliaciones:alpes.marca.eventos"]["messages"]
