"""The choreographed campaign saga, end to end: four service processes, a real broker and databases."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any

import pytest

from tests.e2e.api import Api, assert_confirmed_once, campaign_body
from tests.e2e.conftest import Platform
from tests.helpers import eventually
from tests.integration.conftest import EventProbe


async def assert_compensated(api: Api, campaign: dict[str, Any], id_marca: str) -> dict[str, Any]:
    """Every earlier effect undone: budget available, capacity free, codes disabled."""
    saga = await api.wait_saga(campaign["id"], "compensada")
    assert saga["estado_campana"] == "cancelada"
    brand = await api.brand(id_marca)
    assert float(brand["presupuesto_reservado"]) == 0
    for influencer in campaign["influencers"]:
        found = await api.influencer_by_name(influencer["nombre"])
        assert found["campanas_activas"] == 0, found
    r = await api.get("tracking", f"/tracking/campanas/{campaign['id']}/codigos")
    if r.status_code == 200:  # tracking may never have provisioned (tombstone)
        body = r.json()
        codes = body["codigos"] if isinstance(body, dict) else body
        assert all(not c["activo"] for c in codes), codes
    else:
        assert r.status_code == 404
    return saga


async def test_happy_path_confirms_and_every_effect_happens_once(api: Api) -> None:
    body = campaign_body()
    campaign = await api.create_campaign(body)
    assert campaign["estado"] == "creada"

    saga = await api.wait_saga(campaign["id"], "completada")
    assert saga["estado_campana"] == "confirmada"
    assert (await api.campaign(campaign["id"]))["estado"] == "confirmada"

    brand = await api.brand(body["marca"]["id_marca"])
    assert float(brand["presupuesto_reservado"]) == 15000
    assert float(brand["presupuesto_disponible"]) == float(brand["presupuesto_total"]) - 15000
    for influencer in body["influencers"]:
        assert (await api.influencer_by_name(influencer["nombre"]))["campanas_activas"] == 1
    codes = await api.codes(campaign["id"])
    assert len(codes) == 2 and len({c["codigo"] for c in codes}) == 2
    assert all(c["activo"] for c in codes)
    eventos = [e["evento"] for e in saga["linea_de_tiempo"]]
    for expected in ("CampanaCreada", "PresupuestoReservado", "InfluencersAsignados",
                     "TrackingHabilitado", "CampanaConfirmada"):  # fmt: skip
        assert eventos.count(expected) == 1, eventos


async def test_budget_too_small_cancels_and_compensates(api: Api) -> None:
    brand = await api.create_brand(1000)
    campaign = await api.create_campaign(campaign_body(id_marca=brand["id_marca"]))
    saga = await assert_compensated(api, campaign, brand["id_marca"])
    reasons = [e for e in saga["linea_de_tiempo"] if e["origen"] == "marca" and e["motivo"]]
    assert reasons, saga["linea_de_tiempo"]


async def test_inactive_brand_cancels_and_compensates(api: Api) -> None:
    brand = await api.create_brand(100000)
    r = await api.patch("marca", f"/marca/marcas/{brand['id_marca']}", {"activa": False})
    assert r.status_code == 200, r.text
    campaign = await api.create_campaign(campaign_body(id_marca=brand["id_marca"]))
    saga = await assert_compensated(api, campaign, brand["id_marca"])
    assert any(e["origen"] == "marca" and e["motivo"] for e in saga["linea_de_tiempo"])


async def test_inactive_influencer_cancels_and_compensates(api: Api) -> None:
    body = campaign_body()
    inactive = await api.create_influencer(body["influencers"][0]["nombre"], "Instagram")
    r = await api.patch(
        "influencer", f"/influencer/influencers/{inactive['id_influencer']}", {"activo": False}
    )
    assert r.status_code == 200, r.text
    campaign = await api.create_campaign(body)
    saga = await assert_compensated(api, campaign, body["marca"]["id_marca"])
    assert any(e["origen"] == "influencer" and e["motivo"] for e in saga["linea_de_tiempo"])


async def test_influencer_at_capacity_cancels_and_compensates(api: Api) -> None:
    star: list[dict[str, Any]] = [
        {
            "nombre": f"Estrella {id(api)}",
            "plataforma": "YouTube",
            "seguidores": 9,
            "categoria": "Tech",
        }
    ]
    for _ in range(3):  # default capacity: 3 concurrent campaigns
        ok = await api.create_campaign(campaign_body(influencers=star))
        await api.wait_saga(ok["id"], "completada")
    body = campaign_body(influencers=star)
    campaign = await api.create_campaign(body)
    saga = await api.wait_saga(campaign["id"], "compensada")
    assert any(e["origen"] == "influencer" and e["motivo"] for e in saga["linea_de_tiempo"])
    assert float((await api.brand(body["marca"]["id_marca"]))["presupuesto_reservado"]) == 0
    assert (await api.influencer_by_name(star[0]["nombre"]))["campanas_activas"] == 3


@pytest.mark.parametrize("started", [False, True], ids=["confirmed", "started"])
async def test_user_cancellation_compensates(api: Api, started: bool) -> None:
    body = campaign_body()
    campaign = await api.create_campaign(body)
    await api.wait_saga(campaign["id"], "completada")
    if started:
        r = await api.post("afiliaciones", f"/afiliaciones/campana/{campaign['id']}/iniciar")
        assert r.status_code == 200 and r.json()["estado"] == "iniciada", r.text
    r = await api.post(
        "afiliaciones",
        f"/afiliaciones/campana/{campaign['id']}/cancelar",
        {"motivo": "cambio de planes"},
    )
    assert r.status_code == 200 and r.json()["estado"] == "cancelada", r.text
    saga = await assert_compensated(api, campaign, body["marca"]["id_marca"])
    assert any(e["origen"] == "usuario" for e in saga["linea_de_tiempo"])
    r = await api.post("afiliaciones", f"/afiliaciones/campana/{campaign['id']}/iniciar")
    assert r.status_code == 409 and r.json()["estado"] == "cancelada"


async def test_finishing_releases_capacity_and_closes_tracking(api: Api) -> None:
    body = campaign_body()
    campaign = await api.create_campaign(body)
    await api.wait_saga(campaign["id"], "completada")
    for action in ("iniciar", "finalizar"):
        r = await api.post("afiliaciones", f"/afiliaciones/campana/{campaign['id']}/{action}")
        assert r.status_code == 200, r.text
    for influencer in body["influencers"]:
        await eventually(
            partial(_active, api, influencer["nombre"], 0), message="capacity released"
        )
    event = {"id_campana": campaign["id"], "tipo_evento": "vista", "datos": {}}
    await eventually(
        lambda: _status(api, "tracking", "/tracking/evento", event, 409), message="tracking closed"
    )
    brand = await api.brand(body["marca"]["id_marca"])
    assert float(brand["presupuesto_reservado"]) == 15000, (
        "a finished campaign keeps its budget spent"
    )


async def test_duplicate_delivery_of_every_saga_event_changes_nothing(
    api: Api, platform: Platform
) -> None:
    probe = EventProbe(platform.broker_url, platform.namespace)
    await probe.broker.start()
    try:
        body = campaign_body()
        campaign = await api.create_campaign(body)
        await api.wait_saga(campaign["id"], "completada")

        def saga_events() -> list[Any] | None:
            events = _of(probe, campaign["id"])
            return events if len(events) >= 5 else None

        events = await eventually(saga_events, message="the saga's events seen by the probe")
        for event in events:  # every event once more, same id_evento
            await probe.publish(event)
        # A later event of the same campaign is handled after the duplicates (same key,
        # same worker): once it has compensated, the duplicates have been handled too.
        r = await api.post("afiliaciones", f"/afiliaciones/campana/{campaign['id']}/cancelar", {})
        assert r.status_code == 200, r.text
        saga = await assert_compensated(api, campaign, body["marca"]["id_marca"])
        assert_confirmed_once(saga)
        assert len(await api.codes(campaign["id"])) == 2
    finally:
        await probe.broker.stop()


async def test_many_sagas_for_one_brand_and_the_same_influencers_never_overbook(api: Api) -> None:
    brand = await api.create_brand(100000)  # fits 10 campaigns of 10,000
    tag = id(brand)
    shared: list[dict[str, Any]] = [
        {
            "nombre": f"Compartida A {tag}",
            "plataforma": "Instagram",
            "seguidores": 1,
            "categoria": "X",
        },
        {
            "nombre": f"Compartida B {tag}",
            "plataforma": "TikTok",
            "seguidores": 1,
            "categoria": "X",
        },
    ]
    bodies = [
        campaign_body(id_marca=brand["id_marca"], presupuesto=10000, influencers=shared)
        for _ in range(20)
    ]
    campaigns = await asyncio.gather(*(api.create_campaign(b) for b in bodies))

    async def settled() -> list[str] | None:
        states = [(await api.saga(c["id"]))["estado_saga"] for c in campaigns]
        return states if all(s in ("completada", "compensada") for s in states) else None

    states = await eventually(settled, timeout=90, interval=0.5, message="every saga settled")
    confirmed = states.count("completada")
    assert 1 <= confirmed <= 3, states
    after = await api.brand(brand["id_marca"])
    assert float(after["presupuesto_reservado"]) == 10000 * confirmed
    assert float(after["presupuesto_reservado"]) <= float(after["presupuesto_total"])
    for influencer in shared:
        assert (await api.influencer_by_name(influencer["nombre"]))["campanas_activas"] == confirmed


def _of(probe: EventProbe, id_campana: str) -> list[Any]:
    return [e for e in probe.seen if e.id_campana == id_campana]


async def _active(api: Api, nombre: str, expected: int) -> bool:
    return bool((await api.influencer_by_name(nombre))["campanas_activas"] == expected)


async def _status(api: Api, service: str, path: str, body: Any, expected: int) -> bool:
    return (await api.post(service, path, body)).status_code == expected
