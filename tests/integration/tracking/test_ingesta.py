"""Tracking events over HTTP: what is stored, what is counted, what is refused."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from typing import Any

import pytest

from tests.integration.conftest import EventProbe, RunningService
from tests.integration.support import filas
from tests.integration.tracking.conftest import (
    ANA,
    CARLOS,
    campana_creada,
    evento,
    metricas,
    provisionar,
)

CEROS = {"vistas": 0, "clics": 0, "conversiones": 0, "engagement": 0, "compartidos": 0,
         "comentarios": 0}  # fmt: skip


async def test_events_are_stored_and_counted_in_total_and_per_influencer(
    tracking: RunningService, probe: EventProbe
) -> None:
    id_campana, codigos = await provisionar(probe)
    ana, carlos = codigos[ANA], codigos[CARLOS]

    primero = await evento(tracking, id_campana, "vista", usuario="user123", fuente="instagram")
    await evento(tracking, id_campana, "clic", ana)
    await evento(tracking, id_campana, "clic", carlos)
    await evento(tracking, id_campana, "conversion", ana, valor_compra=150.50)
    await evento(tracking, id_campana, "CONVERSION ", carlos, valor=10)  # case and spaces
    await evento(tracking, id_campana, "conversion", carlos, valor_compra="mucho")  # counts 0
    await evento(tracking, id_campana, "engagement", ana, valor=0.85)
    await evento(tracking, id_campana, "compartir")
    ultimo = await evento(tracking, id_campana, "comentario", carlos, texto="¡Me encanta!")

    assert set(primero) == {"id", "id_campana", "tipo_evento", "datos", "codigo", "fecha_evento"}
    assert (primero["tipo_evento"], primero["codigo"]) == ("vista", None)
    assert primero["datos"] == {"usuario": "user123", "fuente": "instagram"}
    assert (ultimo["tipo_evento"], ultimo["codigo"]) == ("comentario", carlos)
    vista = await metricas(tracking, id_campana)
    assert {k: vista[k] for k in CEROS} == {
        "vistas": 1, "clics": 2, "conversiones": 3, "engagement": 1, "compartidos": 1,
        "comentarios": 1,
    }  # fmt: skip
    assert (vista["total_eventos"], vista["valor_conversiones"]) == (9, 160.5)
    assert vista["tasa_conversion"] == 1.5
    por = {(i["nombre"], i["plataforma"]): i for i in vista["por_influencer"]}
    assert (por[ANA]["clics"], por[ANA]["conversiones"], por[ANA]["engagement"]) == (1, 1, 1)
    assert (por[ANA]["valor_conversiones"], por[ANA]["total_eventos"]) == (150.5, 3)
    assert (por[CARLOS]["conversiones"], por[CARLOS]["valor_conversiones"]) == (2, 10.0)
    assert (por[CARLOS]["comentarios"], por[CARLOS]["total_eventos"]) == (1, 4)
    assert por[CARLOS]["codigo"] == carlos

    response = await tracking.http.get(f"/tracking/eventos/{id_campana}")
    assert response.status_code == 200
    assert response.headers["X-Total-Count"] == "9"
    lista = response.json()
    assert [e["tipo_evento"] for e in lista] == [
        "comentario", "compartir", "engagement", "conversion", "conversion", "conversion",
        "clic", "clic", "vista",
    ]  # fmt: skip
    assert lista[0] == ultimo and lista[-1] == primero
    pagina = (await tracking.http.get(f"/tracking/eventos/{id_campana}?limit=2&offset=7")).json()
    assert pagina == lista[7:9]


async def test_a_thousand_concurrent_events_are_counted_exactly(
    tracking: RunningService, probe: EventProbe
) -> None:
    id_campana, codigos = await provisionar(probe)
    ana, carlos = codigos[ANA], codigos[CARLOS]
    plan: list[tuple[str, str | None, dict[str, Any]]] = [
        ("vista", None, {}),
        ("clic", ana, {}),
        ("conversion", ana, {"valor_compra": 1.25}),
        ("vista", carlos, {}),
        ("conversion", carlos, {"valor": 2}),
    ]
    en_vuelo = asyncio.Semaphore(300)

    async def enviar(n: int) -> int:
        tipo, codigo, datos = plan[n % len(plan)]
        cuerpo = {"id_campana": id_campana, "tipo_evento": tipo, "datos": datos, "n": n}
        if codigo is not None:
            cuerpo["codigo"] = codigo
        async with en_vuelo:
            return (await tracking.http.post("/tracking/evento", json=cuerpo)).status_code

    estados = await asyncio.gather(*(enviar(n) for n in range(1000)))

    assert estados == [201] * 1000
    vista = await metricas(tracking, id_campana)
    assert (vista["vistas"], vista["clics"], vista["conversiones"]) == (400, 200, 400)
    assert (vista["total_eventos"], vista["valor_conversiones"]) == (1000, 200 * 1.25 + 200 * 2)
    por = {(i["nombre"], i["plataforma"]): i for i in vista["por_influencer"]}
    assert (por[ANA]["clics"], por[ANA]["conversiones"], por[ANA]["total_eventos"]) == (
        200,
        200,
        400,
    )
    assert (por[CARLOS]["vistas"], por[CARLOS]["conversiones"]) == (200, 200)
    assert por[CARLOS]["valor_conversiones"] == 400.0
    [(filas_eventos,)] = await filas(
        tracking, "SELECT count(*) FROM eventos_tracking WHERE id_campana = :id", id=id_campana
    )
    assert filas_eventos == 1000


async def test_a_batch_is_stored_in_one_go(tracking: RunningService, probe: EventProbe) -> None:
    id_campana, codigos = await provisionar(probe)
    otra, _ = await provisionar(probe, campana_creada(influencers=()))
    eventos = [
        {"id_campana": id_campana, "tipo_evento": "vista", "datos": {"i": i}, "codigo": codigos[ANA]}
        for i in range(240)
    ] + [
        {"id_campana": otra, "tipo_evento": "conversion", "datos": {"valor_compra": 0.1}}
        for _ in range(10)
    ]  # fmt: skip

    response = await tracking.http.post("/tracking/eventos", json={"eventos": eventos})

    assert response.status_code == 201, response.text
    cuerpo = response.json()
    assert cuerpo["aceptados"] == 250 and len(set(cuerpo["ids"])) == 250
    vista = await metricas(tracking, id_campana)
    assert (vista["vistas"], vista["total_eventos"]) == (240, 240)
    assert vista["por_influencer"][0]["vistas"] + vista["por_influencer"][1]["vistas"] == 240
    assert (await metricas(tracking, otra))["valor_conversiones"] == pytest.approx(1.0)
    lista = (await tracking.http.get(f"/tracking/eventos/{id_campana}?limit=3")).json()
    assert [e["datos"]["i"] for e in lista] == [239, 238, 237]  # the batch keeps its order
    assert [e["id"] for e in lista] == cuerpo["ids"][239:236:-1]


async def test_a_batch_is_all_or_nothing_and_names_the_first_bad_event(
    tracking: RunningService, probe: EventProbe
) -> None:
    id_campana, _ = await provisionar(probe)
    bueno = {"id_campana": id_campana, "tipo_evento": "vista", "datos": {}}
    casos = [
        ({**bueno, "tipo_evento": "me_gusta"}, 422, "tipo de evento desconocido"),
        ({**bueno, "codigo": "no-es-suyo"}, 422, "codigo de tracking desconocido"),
        ({**bueno, "id_campana": "no-existe"}, 404, "No existe"),
    ]
    for malo, estado, detalle in casos:
        response = await tracking.http.post(
            "/tracking/eventos", json={"eventos": [bueno] * 7 + [malo, malo]}
        )
        assert response.status_code == estado, response.text
        assert response.json()["indice"] == 7
        assert response.json()["detail"].startswith("eventos[7]: ")
        assert detalle in response.json()["detail"]
    response = await tracking.http.post(
        "/tracking/eventos", json={"eventos": [bueno, {**bueno, "datos": [1]}]}
    )
    assert response.status_code == 422
    assert response.json()["detail"].startswith("eventos.1.datos")
    for vacio_o_grande in ([], [bueno] * 1001):
        response = await tracking.http.post("/tracking/eventos", json={"eventos": vacio_o_grande})
        assert response.status_code == 422
    assert (await metricas(tracking, id_campana))["total_eventos"] == 0
    assert await filas(tracking, "SELECT * FROM eventos_tracking") == []


async def test_unknown_campaign_is_404(tracking: RunningService) -> None:
    response = await tracking.http.post(
        "/tracking/evento", json={"id_campana": "no-existe", "tipo_evento": "vista", "datos": {}}
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "No existe la campaña no-existe en tracking."}
    for path in ("eventos/no-existe", "metricas/no-existe", "campanas/no-existe/codigos"):
        assert (await tracking.http.get(f"/tracking/{path}")).status_code == 404
    marca = (await tracking.http.get("/tracking/metricas/marca/nadie")).json()
    assert (marca["campanas"], marca["total_eventos"]) == (0, 0)


async def test_brand_metrics_sum_its_campaigns(tracking: RunningService, probe: EventProbe) -> None:
    una, _ = await provisionar(probe, campana_creada(id_marca="marca-x"))
    dos, _ = await provisionar(probe, campana_creada(id_marca="marca-x", influencers=()))
    ajena, _ = await provisionar(probe, campana_creada(id_marca="marca-y"))
    for id_campana in (una, dos, dos, ajena):
        await evento(tracking, id_campana, "conversion", valor_compra=5)
    await evento(tracking, una, "clic")

    vista = (await tracking.http.get("/tracking/metricas/marca/marca-x")).json()

    assert (vista["id_marca"], vista["campanas"]) == ("marca-x", 2)
    assert (vista["conversiones"], vista["clics"], vista["total_eventos"]) == (3, 1, 4)
    assert (vista["valor_conversiones"], vista["tasa_conversion"]) == (15.0, 3.0)


async def test_bad_input_is_a_4xx_never_a_500(tracking: RunningService, probe: EventProbe) -> None:
    id_campana, codigos = await provisionar(probe)
    otra, otros = await provisionar(probe)
    bueno = {"id_campana": id_campana, "tipo_evento": "vista", "datos": {}}

    async def post(cuerpo: Any) -> Any:
        return await tracking.http.post("/tracking/evento", json=cuerpo)

    assert (await post({**bueno, "tipo_evento": "me_gusta"})).status_code == 422
    assert "me_gusta" in (await post({**bueno, "tipo_evento": "me_gusta"})).json()["detail"]
    assert (await post({**bueno, "codigo": otros[ANA]})).status_code == 422  # another campaign's
    malos: list[Any] = [
        {**bueno, "id_campana": 7},
        {**bueno, "id_campana": "x" * 65},
        {**bueno, "id_campana": "a\x00b"},
        {**bueno, "tipo_evento": None},
        {**bueno, "datos": [1, 2]},
        {**bueno, "datos": "texto"},
        {**bueno, "datos": {f"k{i}": i for i in range(51)}},
        {**bueno, "datos": {"texto": "x" * 11_000}},
        {**bueno, "datos": {"nul": "a\x00b"}},
        {**bueno, "datos": {"a": {"b": {"c": {"d": {"e": {"f": {"g": {"h": {"i": 1}}}}}}}}}},
        {**bueno, "codigo": 12},
        {"tipo_evento": "vista"},
        [bueno],
        "texto",
    ]
    for cuerpo in malos:
        response = await post(cuerpo)
        assert response.status_code == 422, (cuerpo, response.text)
        assert "detail" in response.json()
    crudos = [
        b"{no es json",
        b'{"id_campana": "x", "tipo_evento": "vista", "datos": {"v": NaN}}',
        b'{"id_campana": "x", "tipo_evento": "vista", "datos": {"v": "\\ud800"}}',
    ]
    ilegibles = [  # Python's JSON parser gives up: FastAPI answers 400
        b'{"id_campana": "x", "tipo_evento": "vista", "datos": {"v": '
        + b"[" * 5000
        + b"]" * 5000
        + b"}}",
        b'{"id_campana": "x", "tipo_evento": "vista", "datos": {"v": 1' + b"0" * 5000 + b"}}",
    ]
    for crudo in crudos + ilegibles:
        response = await tracking.http.post(
            "/tracking/evento", content=crudo, headers={"content-type": "application/json"}
        )
        assert response.status_code == (400 if crudo in ilegibles else 422), (
            crudo[:80],
            response.text,
        )
    enorme = json.dumps({**bueno, "datos": {"texto": "x" * 2_000_000}})
    response = await tracking.http.post(
        "/tracking/evento", content=enorme, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    for query in ("limit=0", "limit=1001", "offset=-1", "limit=abc"):
        response = await tracking.http.get(f"/tracking/eventos/{id_campana}?{query}")
        assert response.status_code == 422, query
    assert (await tracking.http.get("/tracking/metricas/a%00b")).status_code == 422
    assert (await metricas(tracking, id_campana))["total_eventos"] == 0
    assert (await metricas(tracking, otra))["total_eventos"] == 0
    assert Decimal(0) == Decimal((await metricas(tracking, otra))["valor_conversiones"])
    assert codigos[ANA] != otros[ANA]


async def test_concurrent_requests_are_accepted_or_refused_each_on_its_own(
    tracking: RunningService, probe: EventProbe
) -> None:
    id_campana, codigos = await provisionar(probe)
    bueno = {"id_campana": id_campana, "tipo_evento": "clic", "datos": {}, "codigo": codigos[ANA]}
    solos = [(bueno, 201)] * 40 + [
        ({**bueno, "id_campana": "no-existe"}, 404),
        ({**bueno, "tipo_evento": "me_gusta"}, 422),
        ({**bueno, "codigo": "ajeno"}, 422),
    ] * 4
    lotes = [([bueno] * 10, 201), ([bueno] * 5 + [{**bueno, "codigo": "ajeno"}], 422)] * 3
    peticiones = [("/tracking/evento", c, e) for c, e in solos] + [
        ("/tracking/eventos", {"eventos": c}, e) for c, e in lotes
    ]
    orden = sorted(range(len(peticiones)), key=lambda n: (n * 7919) % len(peticiones))

    respuestas = await asyncio.gather(
        *(tracking.http.post(peticiones[n][0], json=peticiones[n][1]) for n in orden)
    )

    assert [r.status_code for r in respuestas] == [peticiones[n][2] for n in orden]
    vista = await metricas(tracking, id_campana)
    assert (vista["clics"], vista["total_eventos"]) == (40 + 30, 70)
    por = {(i["nombre"], i["plataforma"]): i for i in vista["por_influencer"]}
    assert (por[ANA]["clics"], por[CARLOS]["clics"]) == (70, 0)
    [(filas_eventos,)] = await filas(tracking, "SELECT count(*) FROM eventos_tracking")
    assert filas_eventos == 70
