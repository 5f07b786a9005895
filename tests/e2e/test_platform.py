"""The platform as a user sees it: fan-out to every projection, exact counters, bad input."""

from __future__ import annotations

import asyncio

import pytest

from tests.e2e.api import Api, campaign_body
from tests.helpers import eventually


async def test_a_campaign_created_over_http_reaches_every_projection(api: Api) -> None:
    body = campaign_body()
    campaign = await api.create_campaign(body)
    id_marca = body["marca"]["id_marca"]

    async def in_marca() -> bool:
        r = await api.get("marca", f"/marca/marcas/{id_marca}/campanas")
        return r.status_code == 200 and campaign["id"] in {
            c["id_campana"] for c in r.json()["campanas"]
        }

    async def in_influencer() -> bool:
        r = await api.get(
            "influencer",
            "/influencer/influencers",
            params={"nombre": body["influencers"][0]["nombre"]},
        )
        if r.status_code != 200 or not r.json()["influencers"]:
            return False
        id_influencer = r.json()["influencers"][0]["id_influencer"]
        r = await api.get("influencer", f"/influencer/influencers/{id_influencer}/campanas")
        return campaign["id"] in {c["id_campana"] for c in r.json()["campanas"]}

    async def in_tracking() -> bool:
        r = await api.get("tracking", f"/tracking/metricas/{campaign['id']}")
        return r.status_code == 200 and r.json()["id_marca"] == id_marca

    await eventually(in_marca, message="marca projection")
    await eventually(in_influencer, message="influencer projection")
    await eventually(in_tracking, message="tracking projection")
    brand = await api.brand(id_marca)
    assert brand["nombre"] == "Nike", "a brand first seen in the event is registered from it"


async def test_tracking_counters_are_exact_under_1000_concurrent_events(api: Api) -> None:
    campaign = await api.create_campaign(campaign_body())
    await api.wait_saga(campaign["id"], "completada")
    codes = await api.codes(campaign["id"])
    kinds = ["vista"] * 500 + ["clic"] * 300 + ["conversion"] * 200
    limit = asyncio.Semaphore(64)

    async def send(i: int, kind: str) -> int:
        datos = (
            {"usuario": f"u{i}", "valor_compra": 2.5}
            if kind == "conversion"
            else {"usuario": f"u{i}"}
        )
        event = {
            "id_campana": campaign["id"],
            "tipo_evento": kind,
            "datos": datos,
            "codigo": codes[i % 2]["codigo"],
        }
        async with limit:
            return (await api.post("tracking", "/tracking/evento", event)).status_code

    statuses = await asyncio.gather(*(send(i, k) for i, k in enumerate(kinds)))
    assert statuses.count(201) == 1000, {s: statuses.count(s) for s in set(statuses)}
    metrics = (await api.get("tracking", f"/tracking/metricas/{campaign['id']}")).json()
    assert (metrics["vistas"], metrics["clics"], metrics["conversiones"]) == (500, 300, 200)
    assert float(metrics["valor_conversiones"]) == 500.0
    assert (
        sum(i["vistas"] + i["clics"] + i["conversiones"] for i in metrics["por_influencer"]) == 1000
    )
    listed = await api.get("tracking", f"/tracking/eventos/{campaign['id']}", params={"limit": 10})
    assert len(listed.json()) == 10 and listed.headers["X-Total-Count"] == "1000"


@pytest.mark.parametrize(
    ("service", "path", "payload"),
    [
        ("afiliaciones", "/afiliaciones/campana", b"{not json"),
        ("afiliaciones", "/afiliaciones/campana", {"nombre": 5, "presupuesto": "mucho"}),
        ("afiliaciones", "/afiliaciones/campana", {**campaign_body(), "presupuesto": -1}),
        (
            "afiliaciones",
            "/afiliaciones/campana",
            {**campaign_body(), "fecha_fin": "2024-01-01T00:00:00"},
        ),
        ("afiliaciones", "/afiliaciones/campana", {**campaign_body(), "tipo": "tipo_invalido"}),
        ("afiliaciones", "/afiliaciones/campana", b"[" + b"1," * 2_000_000 + b"1]"),
        ("marca", "/marca/marcas", {"nombre": "", "presupuesto_total": -5}),
        (
            "influencer",
            "/influencer/influencers",
            {"nombre": "x", "plataforma": "y", "seguidores": "muchos"},
        ),
        (
            "tracking",
            "/tracking/evento",
            {"id_campana": "nope", "tipo_evento": "vista", "datos": {}},
        ),
        (
            "tracking",
            "/tracking/evento",
            {"id_campana": "nope", "tipo_evento": "baile", "datos": {}},
        ),
    ],
    ids=[
        "malformed-json",
        "wrong-types",
        "negative-budget",
        "dates-reversed",
        "unknown-tipo",
        "huge-body",
        "bad-brand",
        "bad-influencer",
        "unknown-campaign",
        "unknown-tipo-evento",
    ],
)
async def test_bad_input_gets_a_clear_4xx_and_changes_nothing(
    api: Api, service: str, path: str, payload: object
) -> None:
    before = (await api.get("afiliaciones", "/afiliaciones/campanas")).json()["total"]
    if isinstance(payload, bytes):
        r = await api.http.post(
            api.url(service, path), content=payload, headers={"content-type": "application/json"}
        )
    else:
        r = await api.post(service, path, payload)
    assert 400 <= r.status_code < 500, (r.status_code, r.text)
    assert r.json()["detail"], r.text
    assert (await api.get("afiliaciones", "/afiliaciones/campanas")).json()["total"] == before


async def test_unknown_ids_are_404(api: Api) -> None:
    missing = "00000000-0000-0000-0000-000000000000"
    for service, path in [
        ("afiliaciones", f"/afiliaciones/campana/{missing}"),
        ("afiliaciones", f"/afiliaciones/saga/{missing}/estado"),
        ("marca", f"/marca/marcas/{missing}"),
        ("influencer", f"/influencer/influencers/{missing}"),
        ("tracking", f"/tracking/metricas/{missing}"),
        ("tracking", f"/tracking/eventos/{missing}"),
    ]:
        r = await api.get(service, path)
        assert r.status_code == 404, (path, r.status_code, r.text)
