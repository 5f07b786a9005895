"""Idempotent ingestion: an event repeated with the same ``id_evento`` is answered with the event
stored the first time and counted once, whatever the path of the repeat."""

from __future__ import annotations

import asyncio
import uuid
from functools import partial
from typing import Any

import httpx
import pytest

import contracts as c
from tests.helpers import eventually
from tests.integration.conftest import EventProbe, RunningService
from tests.integration.support import filas
from tests.integration.tracking.conftest import (
    ANA,
    cancelada,
    metricas,
    provisionar,
)
from tracking_svc.adapters.repository import EventoTrackingRepository
from tracking_svc.application import handlers
from tracking_svc.application.commands import RegistrarEvento
from tracking_svc.application.errors import EventoRechazado
from tracking_svc.application.ports import AbrirEventos

REPETIDO = "Idempotent-Replayed"


def cuerpo(id_campana: str, tipo: str = "conversion", **extra: Any) -> dict[str, Any]:
    return {
        "id_campana": id_campana,
        "tipo_evento": tipo,
        "datos": {"valor_compra": 10},
        "id_evento": str(uuid.uuid4()),
        **extra,
    }


def abrir(svc: RunningService) -> AbrirEventos:
    """The service's ingestion storage, as its composition root opens it."""
    return partial(EventoTrackingRepository.open, svc.service.db.engine)


async def post(svc: RunningService, datos: dict[str, Any]) -> httpx.Response:
    response = await svc.http.post("/tracking/evento", json=datos)
    assert response.status_code == 201, response.text
    return response


async def bulk(svc: RunningService, eventos: list[dict[str, Any]]) -> dict[str, Any]:
    response = await svc.http.post("/tracking/eventos", json={"eventos": eventos})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def contados(svc: RunningService, id_campana: str) -> tuple[int, int, float]:
    """(events counted, conversions counted, value counted), and the stored rows agree."""
    vista = await metricas(svc, id_campana)
    [(guardados,)] = await filas(
        svc, "SELECT count(*) FROM eventos_tracking WHERE id_campana = :id", id=id_campana
    )
    assert guardados == vista["total_eventos"]
    return vista["total_eventos"], vista["conversiones"], vista["valor_conversiones"]


@pytest.fixture
async def id_campana(tracking: RunningService, probe: EventProbe) -> str:
    """A campaign tracking has enabled (its ``TrackingHabilitado`` is out)."""
    id_campana, _ = await provisionar(probe)
    return id_campana


async def test_the_same_id_evento_twice_is_answered_with_the_original_and_counted_once(
    tracking: RunningService, probe: EventProbe
) -> None:
    id_campana, codigos = await provisionar(probe)
    primero = cuerpo(id_campana, codigo=codigos[ANA])

    original = await post(tracking, primero)
    # a retry carrying other values still gets the original: the first write wins
    repeticion = await post(tracking, {**primero, "datos": {"valor_compra": 999}})

    assert original.json()["id"] == primero["id_evento"]
    assert original.json()["datos"] == {"valor_compra": 10}
    assert repeticion.json() == original.json()
    assert REPETIDO not in original.headers and repeticion.headers[REPETIDO] == "true"
    assert await contados(tracking, id_campana) == (1, 1, 10.0)
    [ana] = [i for i in (await metricas(tracking, id_campana))["por_influencer"]
             if i["codigo"] == codigos[ANA]]  # fmt: skip
    assert (ana["conversiones"], ana["valor_conversiones"]) == (1, 10.0)
    listado = (await tracking.http.get(f"/tracking/eventos/{id_campana}")).json()
    assert listado == [original.json()]


async def test_ten_concurrent_posts_of_one_id_evento_store_and_count_it_once(
    tracking: RunningService, id_campana: str
) -> None:
    datos = cuerpo(id_campana)

    respuestas = await asyncio.gather(*(post(tracking, datos) for _ in range(10)))

    cuerpos = [r.json() for r in respuestas]
    assert all(c == cuerpos[0] for c in cuerpos) and cuerpos[0]["id"] == datos["id_evento"]
    assert sum(REPETIDO not in r.headers for r in respuestas) == 1  # one stored it
    assert await contados(tracking, id_campana) == (1, 1, 10.0)


async def test_repeats_within_one_bulk_count_once_and_answer_the_first(
    tracking: RunningService, id_campana: str
) -> None:
    a, b, sin_id = cuerpo(id_campana), cuerpo(id_campana, "clic"), cuerpo(id_campana)
    del sin_id["id_evento"]
    eventos = [a, b, {**a, "datos": {"valor_compra": 5}}, sin_id, a]

    respuesta = await bulk(tracking, eventos)

    assert (respuesta["aceptados"], respuesta["nuevos"], respuesta["repetidos"]) == (5, 3, 2)
    salida = respuesta["eventos"]
    assert respuesta["ids"] == [e["id"] for e in salida]
    assert [salida[0]["id"], salida[1]["id"]] == [a["id_evento"], b["id_evento"]]
    assert salida[2] == salida[0] == salida[4] and salida[0]["datos"] == {"valor_compra": 10}
    assert salida[3]["id"] not in (a["id_evento"], b["id_evento"])  # generated
    assert await contados(tracking, id_campana) == (3, 2, 20.0)

    # the whole bulk again: the same answer, nothing new
    otra_vez = await bulk(tracking, eventos[:3])
    assert (otra_vez["nuevos"], otra_vez["repetidos"]) == (0, 3)
    assert otra_vez["eventos"] == salida[:3]
    assert await contados(tracking, id_campana) == (3, 2, 20.0)


async def test_a_bulk_repeating_an_earlier_single_event_answers_it_and_counts_the_rest(
    tracking: RunningService, id_campana: str
) -> None:
    solo = cuerpo(id_campana)
    original = (await post(tracking, solo)).json()
    nuevo = cuerpo(id_campana, "vista")

    respuesta = await bulk(tracking, [nuevo, solo])

    assert (respuesta["nuevos"], respuesta["repetidos"]) == (1, 1)
    assert respuesta["eventos"][1] == original
    assert respuesta["eventos"][0]["id"] == nuevo["id_evento"]
    assert await contados(tracking, id_campana) == (2, 1, 10.0)


async def test_concurrent_bulks_sharing_ids_count_each_event_once(
    tracking: RunningService, id_campana: str
) -> None:
    comunes = [cuerpo(id_campana) for _ in range(20)]
    lotes = [comunes[n:] + comunes[:n] + [cuerpo(id_campana)] for n in range(0, 20, 2)]

    respuestas = await asyncio.gather(*(bulk(tracking, lote) for lote in lotes))

    por_id: dict[str, dict[str, Any]] = {}
    for respuesta in respuestas:
        for evento in respuesta["eventos"]:
            assert por_id.setdefault(evento["id"], evento) == evento  # one answer per id
    assert len(por_id) == 20 + 10
    assert sum(r["nuevos"] for r in respuestas) == 30
    assert await contados(tracking, id_campana) == (30, 30, 300.0)


async def test_racing_writers_skip_the_ids_stored_first_and_answer_those_events(
    tracking: RunningService, id_campana: str
) -> None:
    """Below the batcher: ten writes at once, each on its own connection and transaction, all
    with the same ids, so PostgreSQL itself must settle who stores each id."""
    ids = [uuid.uuid4() for _ in range(30)]

    def lote(n: int) -> list[RegistrarEvento]:
        return [
            RegistrarEvento(
                id_campana=id_campana,
                tipo_evento="conversion",
                datos={"valor_compra": 1, "escritor": n},
                id_evento=i,
            )
            for i in ids[n:] + ids[:n]
        ]

    resultados = await asyncio.gather(
        *(handlers.registrar_lotes([lote(n)], abrir(tracking)) for n in range(10))
    )

    registros = [r for [resultado] in resultados for r in resultado]  # type: ignore[union-attr]
    por_id = {r.evento.id: r.evento for r in registros if not r.repetido}
    assert sorted(por_id) == sorted(ids)  # each id stored by exactly one writer
    assert all(r.evento == por_id[r.evento.id] for r in registros)
    assert await contados(tracking, id_campana) == (30, 30, 30.0)


async def test_a_repeat_after_the_campaign_ended_still_gets_its_event(
    tracking: RunningService, probe: EventProbe, id_campana: str
) -> None:
    datos = cuerpo(id_campana)
    original = (await post(tracking, datos)).json()
    await probe.publish(cancelada(id_campana))

    await eventually(
        lambda: probe.of(c.TrackingDeshabilitado, id_campana), message="TrackingDeshabilitado"
    )
    nuevo = await tracking.http.post("/tracking/evento", json=cuerpo(id_campana))
    assert nuevo.status_code == 409

    repeticion = await post(tracking, datos)

    assert repeticion.json() == original and repeticion.headers[REPETIDO] == "true"
    assert await contados(tracking, id_campana) == (1, 1, 10.0)


async def test_a_refused_request_does_not_claim_its_ids_for_the_next_one(
    tracking: RunningService, id_campana: str
) -> None:
    id_evento = uuid.uuid4()
    malo = [
        RegistrarEvento(id_campana=id_campana, tipo_evento="vista", id_evento=id_evento),
        RegistrarEvento(id_campana=id_campana, tipo_evento="me_gusta"),
    ]
    bueno = [RegistrarEvento(id_campana=id_campana, tipo_evento="clic", id_evento=id_evento)]

    rechazado, aceptado = await handlers.registrar_lotes([malo, bueno], abrir(tracking))

    assert isinstance(rechazado, EventoRechazado) and rechazado.indice == 1
    assert not isinstance(aceptado, EventoRechazado)
    [registro] = aceptado
    assert (registro.evento.id, registro.evento.tipo_evento, registro.repetido) == (
        id_evento,
        "clic",
        False,
    )
    assert (await metricas(tracking, id_campana))["clics"] == 1


async def test_bad_ids_and_out_of_range_numbers_are_422_and_store_nothing(
    tracking: RunningService, id_campana: str
) -> None:
    bueno = cuerpo(id_campana)
    for id_evento in ("no-es-un-uuid", "", 12, "1234", str(uuid.uuid4()) + "0", ["x"]):
        response = await tracking.http.post(
            "/tracking/evento", json={**bueno, "id_evento": id_evento}
        )
        assert response.status_code == 422, (id_evento, response.text)
        response = await tracking.http.post(
            "/tracking/eventos", json={"eventos": [bueno, {**bueno, "id_evento": id_evento}]}
        )
        assert response.status_code == 422, (id_evento, response.text)
        assert response.json()["detail"].startswith("eventos.1.id_evento")
    for valor in (1_000_000.01, -0.01, -1, 1e13, 1e308, 10**4000):
        datos = {**bueno, "datos": {"valor_compra": valor}}
        response = await tracking.http.post("/tracking/evento", json=datos)
        assert response.status_code == 422, (str(valor)[:20], response.text)
        assert "fuera de rango" in response.json()["detail"]
        response = await tracking.http.post(
            "/tracking/eventos", json={"eventos": [cuerpo(id_campana), datos]}
        )
        assert response.status_code == 422 and response.json()["indice"] == 1
    for query in (
        "offset=10000000000000000000",
        "offset=2147483648",
        "limit=10000000000000000000",
        "offset=-10000000000000000000",
        "offset=1e3",
    ):
        response = await tracking.http.get(f"/tracking/eventos/{id_campana}?{query}")
        assert response.status_code == 422, (query, response.text)
    response = await tracking.http.get(f"/tracking/eventos/{id_campana}?offset=2147483647")
    assert response.status_code == 200 and response.json() == []
    assert await contados(tracking, id_campana) == (0, 0, 0.0)
    # the largest value that counts is counted exactly, and the metrics still answer
    await post(tracking, {**bueno, "datos": {"valor_compra": 1_000_000}})
    assert await contados(tracking, id_campana) == (1, 1, 1e6)
