"""A participant that is not there: the saga deadline, and events found out of order on its return."""

from __future__ import annotations

import pytest

from tests.e2e.api import Api, campaign_body
from tests.e2e.conftest import Platform
from tests.e2e.test_saga import assert_compensated


@pytest.fixture(scope="module")
def platform_settings() -> dict[str, str]:
    return {"SAGA_DEADLINE_SECONDS": "6", "SAGA_DEADLINE_CHECK_SECONDS": "0.5"}


async def test_stopped_participant_saga_cancelled_at_deadline_and_compensated_on_return(
    api: Api, platform: Platform
) -> None:
    tracking = platform["tracking"]
    tracking.stop()
    try:
        body = campaign_body()
        campaign = await api.create_campaign(body)
        saga = await api.wait_saga(campaign["id"], "compensando", timeout=30)
        assert saga["estado_campana"] == "cancelada"
        plazo = [e for e in saga["linea_de_tiempo"] if e["origen"] == "plazo"]
        assert plazo and plazo[0]["motivo"], saga["linea_de_tiempo"]
    finally:
        tracking.start()
        tracking.wait_ready()
    await assert_compensated(api, campaign, body["marca"]["id_marca"])


async def test_a_participant_that_sees_the_failure_before_the_campaign_does_no_work(
    api: Api, platform: Platform
) -> None:
    """Out of order across topics: marca, stopped, finds the campaign, its cancellation and
    influencer's failure waiting on two topics; whatever order it takes them in, it keeps
    no reservation and answers with its release (empty if it saw the failure first)."""
    body = campaign_body()
    inactive = await api.create_influencer(body["influencers"][0]["nombre"], "Instagram")
    r = await api.patch(
        "influencer", f"/influencer/influencers/{inactive['id_influencer']}", {"activo": False}
    )
    assert r.status_code == 200, r.text
    marca = platform["marca"]
    marca.stop()
    try:
        campaign = await api.create_campaign(body)
        saga = await api.wait_saga(campaign["id"], "compensando", timeout=30)
        assert saga["estado_campana"] == "cancelada"
    finally:
        marca.start()
        marca.wait_ready()
    saga = await api.wait_saga(campaign["id"], "compensada")
    assert any(e["origen"] == "marca" for e in saga["linea_de_tiempo"])
    brand = await api.get("marca", f"/marca/marcas/{body['marca']['id_marca']}")
    if brand.status_code == 200:  # it saw the campaign first: reserved, then released
        assert float(brand.json()["presupuesto_reservado"]) == 0
    else:  # it saw the cancellation first: the campaign never touched the brand
        assert brand.status_code == 404, brand.text
    assert (await api.influencer_by_name(body["influencers"][1]["nombre"]))["campanas_activas"] == 0
