"""Who may post tracking events and read a campaign's tracking (issue 10): tracker tokens of
their campaigns, ingest keys of theirs (stored hashed, revocable), signed codes for links and
pixels, rate limits with ``Retry-After``, bounded conversion values, brands confined to their
own campaigns."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from tests.auth import as_marca, as_tracker
from tests.integration.conftest import EventProbe, RunningService, StartService
from tests.integration.support import created, filas
from tests.integration.tracking.conftest import ANA, CARLOS, campana_creada, provisionar

MARCA_A = "marca-a"
MARCA_B = "marca-b"


@asynccontextmanager
async def sin_credenciales(svc: RunningService) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the service that sends no ``Authorization`` header."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=svc.app), base_url="http://test"
    ) as http:
        yield http


def un_evento(id_campana: str, tipo: str = "clic", **extra: Any) -> dict[str, Any]:
    return {"id_campana": id_campana, "tipo_evento": tipo, **extra}


async def total(svc: RunningService, id_campana: str) -> int:
    response = await svc.http.get(f"/tracking/metricas/{id_campana}")
    assert response.status_code == 200, response.text
    return int(response.json()["total_eventos"])


async def nueva_clave(
    svc: RunningService, id_campana: str, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    return await created(svc, f"/tracking/campanas/{id_campana}/claves", {}, headers)  # type: ignore[no-any-return]


async def test_a_tracker_token_posts_the_events_of_its_campaigns_only(
    tracking: RunningService, probe: EventProbe
) -> None:
    x, _ = await provisionar(probe)
    y, _ = await provisionar(probe)
    tracker_x = as_tracker(x)

    assert (await tracking.http.post("/tracking/evento", json=un_evento(x), headers=tracker_x)).status_code == 201  # fmt: skip
    ajeno = await tracking.http.post("/tracking/evento", json=un_evento(y), headers=tracker_x)
    assert ajeno.status_code == 403 and y in ajeno.json()["detail"]
    lote = {"eventos": [un_evento(x), un_evento(y)]}
    assert (await tracking.http.post("/tracking/eventos", json=lote, headers=tracker_x)).status_code == 403  # fmt: skip
    lote = {"eventos": [un_evento(x), un_evento(x, "vista")]}
    assert (await tracking.http.post("/tracking/eventos", json=lote, headers=tracker_x)).status_code == 201  # fmt: skip
    # a brand's token is not a tracker's
    marca = await tracking.http.post("/tracking/evento", json=un_evento(x), headers=as_marca("marca-1"))  # fmt: skip
    assert marca.status_code == 403
    assert (await total(tracking, x), await total(tracking, y)) == (3, 0)


async def test_without_credentials_ingestion_is_401_with_a_challenge(
    tracking: RunningService, probe: EventProbe
) -> None:
    x, _ = await provisionar(probe)
    async with sin_credenciales(tracking) as http:
        for ruta, cuerpo in (
            ("/tracking/evento", un_evento(x)),
            ("/tracking/eventos", {"eventos": [un_evento(x)]}),
        ):
            response = await http.post(ruta, json=cuerpo)
            assert response.status_code == 401, response.text
            assert response.headers["WWW-Authenticate"].startswith('Bearer realm="alpes"')
        forjado = await http.post(
            "/tracking/evento", json=un_evento(x), headers={"Authorization": "Bearer x.y.z"}
        )
        assert forjado.status_code == 401 and "invalid_token" in forjado.headers["WWW-Authenticate"]
    assert await total(tracking, x) == 0


async def test_an_ingest_key_posts_its_campaigns_events_until_it_is_revoked(
    tracking: RunningService, probe: EventProbe
) -> None:
    x, _ = await provisionar(probe)
    y, _ = await provisionar(probe)
    nueva = await nueva_clave(tracking, x)
    assert nueva["id_campana"] == x and nueva["clave"].startswith(nueva["prefijo"])
    con_clave = {"X-Ingest-Key": nueva["clave"]}

    async with sin_credenciales(tracking) as http:
        assert (await http.post("/tracking/evento", json=un_evento(x), headers=con_clave)).status_code == 201  # fmt: skip
        lote = {"eventos": [un_evento(x), un_evento(x, "vista")]}
        assert (await http.post("/tracking/eventos", json=lote, headers=con_clave)).status_code == 201  # fmt: skip
        otra = await http.post("/tracking/evento", json=un_evento(y), headers=con_clave)
        assert otra.status_code == 403, otra.text
        lote = {"eventos": [un_evento(x), un_evento(y)]}
        assert (await http.post("/tracking/eventos", json=lote, headers=con_clave)).status_code == 403  # fmt: skip
        inventada = {"X-Ingest-Key": "tk_" + "A" * 43}
        response = await http.post("/tracking/evento", json=un_evento(x), headers=inventada)
        assert response.status_code == 401 and "WWW-Authenticate" in response.headers

        # rotation: a second key works beside the first; then the first is revoked
        segunda = await nueva_clave(tracking, x)
        listadas = (await tracking.http.get(f"/tracking/campanas/{x}/claves")).json()
        assert [k["id"] for k in listadas] == [nueva["id"], segunda["id"]]
        assert all("clave" not in k for k in listadas)
        borrada = await tracking.http.delete(f"/tracking/campanas/{x}/claves/{nueva['id']}")
        assert borrada.status_code == 204
        revocada = await http.post("/tracking/evento", json=un_evento(x), headers=con_clave)
        assert revocada.status_code == 401, revocada.text
        con_segunda = {"X-Ingest-Key": segunda["clave"]}
        assert (await http.post("/tracking/evento", json=un_evento(x), headers=con_segunda)).status_code == 201  # fmt: skip
        otra_vez = await tracking.http.delete(f"/tracking/campanas/{x}/claves/{nueva['id']}")
        assert otra_vez.status_code == 404
    listadas = (await tracking.http.get(f"/tracking/campanas/{x}/claves")).json()
    assert [k["id"] for k in listadas] == [segunda["id"]]
    assert (await total(tracking, x), await total(tracking, y)) == (4, 0)


async def test_ingest_keys_are_stored_hashed(tracking: RunningService, probe: EventProbe) -> None:
    x, _ = await provisionar(probe)
    claves = [(await nueva_clave(tracking, x))["clave"] for _ in range(2)]

    filas_claves = await filas(tracking, "SELECT * FROM claves_ingesta")
    guardado = " ".join(str(valor) for fila in filas_claves for valor in fila)
    assert len(filas_claves) == 2
    for clave in claves:
        assert clave not in guardado and clave[12:] not in guardado
        assert hashlib.sha256(clave.encode()).hexdigest() in guardado


async def test_only_the_campaigns_brand_or_an_admin_manage_its_keys(
    tracking: RunningService, probe: EventProbe
) -> None:
    x, _ = await provisionar(probe, campana_creada(id_marca=MARCA_A))
    propia = await nueva_clave(tracking, x, as_marca(MARCA_A))
    ruta = f"/tracking/campanas/{x}/claves"

    for headers in (as_marca(MARCA_B), as_tracker(x)):
        assert (await tracking.http.post(ruta, json={}, headers=headers)).status_code in (403, 404)
        assert (await tracking.http.get(ruta, headers=headers)).status_code in (403, 404)
        borrar = await tracking.http.delete(f"{ruta}/{propia['id']}", headers=headers)
        assert borrar.status_code in (403, 404)
    assert (await tracking.http.post(ruta, json={}, headers=as_marca(MARCA_B))).status_code == 404  # fmt: skip
    desconocida = f"/tracking/campanas/{uuid.uuid4()}/claves"
    assert (await tracking.http.post(desconocida, json={})).status_code == 404
    assert (await tracking.http.delete(f"{ruta}/{propia['id']}", headers=as_marca(MARCA_A))).status_code == 204  # fmt: skip


async def test_a_signed_code_posts_one_event_and_a_forged_signature_is_refused(
    tracking: RunningService, probe: EventProbe
) -> None:
    x, codigos = await provisionar(probe)
    y, codigos_y = await provisionar(probe)
    firmas = {
        k["codigo"]: k["firma"]
        for k in (await tracking.http.get(f"/tracking/campanas/{x}/codigos")).json()
    }
    ana, carlos = codigos[ANA], codigos[CARLOS]
    assert set(firmas) == {ana, carlos} and firmas[ana] and firmas[ana] != firmas[carlos]

    async with sin_credenciales(tracking) as http:
        enlace = await http.post(
            "/tracking/evento", json=un_evento(x, codigo=ana), params={"firma": firmas[ana]}
        )
        assert enlace.status_code == 201, enlace.text
        pixel = un_evento(x, "vista", codigo=carlos, firma=firmas[carlos])
        assert (await http.post("/tracking/evento", json=pixel)).status_code == 201
        forjadas = [
            un_evento(x, codigo=ana, firma=firmas[ana][:-2] + "AA"),  # altered
            un_evento(x, codigo=ana, firma=firmas[carlos]),  # another code's
            un_evento(y, codigo=codigos_y[ANA], firma=firmas[ana]),  # another campaign's
            un_evento(x, firma=firmas[ana]),  # no code
            un_evento(x, codigo=ana, firma=""),
        ]
        for forjada in forjadas:
            response = await http.post("/tracking/evento", json=forjada)
            assert response.status_code == 401, (forjada, response.text)
        # a signature authorizes one event, not a batch
        lote = {"eventos": [un_evento(x, codigo=ana, firma=firmas[ana])]}
        response = await http.post("/tracking/eventos", json=lote, params={"firma": firmas[ana]})
        assert response.status_code == 401
    assert (await total(tracking, x), await total(tracking, y)) == (2, 0)


async def test_a_credential_over_its_rate_gets_429_with_retry_after(
    start_service: StartService, probe: EventProbe, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKING_RATE_PER_CREDENTIAL", "0.01")
    monkeypatch.setenv("TRACKING_BURST_PER_CREDENTIAL", "3")
    tracking = await start_service("tracking")
    x, _ = await provisionar(probe)
    con_clave = {"X-Ingest-Key": (await nueva_clave(tracking, x))["clave"]}

    async with sin_credenciales(tracking) as http:
        for _ in range(3):
            response = await http.post("/tracking/evento", json=un_evento(x), headers=con_clave)
            assert response.status_code == 201, response.text
        limitado = await http.post("/tracking/evento", json=un_evento(x), headers=con_clave)
        assert limitado.status_code == 429, limitado.text
        assert int(limitado.headers["Retry-After"]) >= 1
        # a batch counts its events: another credential's bucket, 2 + 2 > 3
        tracker = as_tracker(x)
        lote = {"eventos": [un_evento(x), un_evento(x)]}
        assert (await http.post("/tracking/eventos", json=lote, headers=tracker)).status_code == 201  # fmt: skip
        response = await http.post("/tracking/eventos", json=lote, headers=tracker)
        assert response.status_code == 429 and int(response.headers["Retry-After"]) >= 1
    # operators are not limited
    for _ in range(5):
        assert (await tracking.http.post("/tracking/evento", json=un_evento(x))).status_code == 201  # fmt: skip
    assert await total(tracking, x) == 3 + 2 + 5


async def test_an_address_over_its_rate_gets_429_whatever_its_credentials(
    start_service: StartService, probe: EventProbe, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKING_RATE_PER_ADDRESS", "0.01")
    monkeypatch.setenv("TRACKING_BURST_PER_ADDRESS", "2")
    tracking = await start_service("tracking")
    x, _ = await provisionar(probe)

    async with sin_credenciales(tracking) as http:
        for n in range(2):
            response = await http.post("/tracking/evento", json=un_evento(x), headers=as_tracker(x, f"c{n}"))  # fmt: skip
            assert response.status_code == 201, response.text
        # new credentials, or none (guessing keys), from the same address: limited
        for headers in (as_tracker(x, "c9"), {"X-Ingest-Key": "tk_guess"}, {}):
            response = await http.post("/tracking/evento", json=un_evento(x), headers=headers)
            assert response.status_code == 429, response.text
            assert int(response.headers["Retry-After"]) >= 1
    assert await total(tracking, x) == 2


async def test_conversion_values_must_be_finite_and_within_bounds(
    tracking: RunningService, probe: EventProbe
) -> None:
    x, _ = await provisionar(probe)
    tracker = as_tracker(x)
    for valor in (-5, -0.01, 1_000_000.5, 1e300):
        conversion = un_evento(x, "conversion", datos={"valor_compra": valor})
        response = await tracking.http.post("/tracking/evento", json=conversion, headers=tracker)
        assert response.status_code == 422, (valor, response.text)
        assert "entre 0 y 1000000" in response.json()["detail"]
    crudo = b'{"id_campana": "%s", "tipo_evento": "conversion", "datos": {"valor": NaN}}'
    response = await tracking.http.post(
        "/tracking/evento", content=crudo % x.encode(), headers=tracker
    )
    assert response.status_code == 422
    conversion = un_evento(x, "conversion", datos={"valor_compra": 1_000_000})
    assert (await tracking.http.post("/tracking/evento", json=conversion, headers=tracker)).status_code == 201  # fmt: skip
    metricas = (await tracking.http.get(f"/tracking/metricas/{x}")).json()
    assert (metricas["total_eventos"], metricas["valor_conversiones"]) == (1, 1_000_000.0)


async def test_a_brand_reads_its_campaigns_tracking_and_nobody_elses(
    tracking: RunningService, probe: EventProbe
) -> None:
    a, _ = await provisionar(probe, campana_creada(id_marca=MARCA_A))
    b, _ = await provisionar(probe, campana_creada(id_marca=MARCA_B))
    for id_campana in (a, a, b):
        await created(tracking, "/tracking/evento", un_evento(id_campana, "conversion", datos={"valor": 10}))  # fmt: skip
    marca_a = as_marca(MARCA_A)

    for ruta in ("/tracking/metricas/{}", "/tracking/eventos/{}", "/tracking/campanas/{}/codigos"):
        propia = await tracking.http.get(ruta.format(a), headers=marca_a)
        assert propia.status_code == 200, (ruta, propia.text)
        ajena = await tracking.http.get(ruta.format(b), headers=marca_a)
        desconocida = await tracking.http.get(ruta.format(uuid.uuid4()), headers=marca_a)
        assert ajena.status_code == desconocida.status_code == 404, (ruta, ajena.text)
        # the same answer as for a campaign that does not exist
        assert ajena.json() == {"detail": f"No existe la campaña {b} en tracking."}
    metricas = (await tracking.http.get(f"/tracking/metricas/{a}", headers=marca_a)).json()
    assert (metricas["id_marca"], metricas["conversiones"]) == (MARCA_A, 2)
    assert len((await tracking.http.get(f"/tracking/eventos/{a}", headers=marca_a)).json()) == 2

    suya = await tracking.http.get(f"/tracking/metricas/marca/{MARCA_A}", headers=marca_a)
    assert suya.status_code == 200
    assert (suya.json()["campanas"], suya.json()["valor_conversiones"]) == (1, 20.0)
    otra = await tracking.http.get(f"/tracking/metricas/marca/{MARCA_B}", headers=marca_a)
    assert otra.status_code == 404
    # the admin sees every brand, as before
    todas = (await tracking.http.get(f"/tracking/metricas/marca/{MARCA_B}")).json()
    assert (todas["campanas"], todas["valor_conversiones"]) == (1, 10.0)
