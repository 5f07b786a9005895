"""The saga deadline: a participant that does not answer leads to cancellation and compensation."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.e2e.api import Api, campaign_body
from tests.e2e.conftest import Platform
from tests.e2e.test_saga import assert_compensated


@pytest.fixture(scope="module")
def platform_settings() -> dict[str, str]:
    return {"SAGA_DEADLINE_SECONDS": "6", "SAGA_DEADLINE_CHECK_SECONDS": "0.5"}


@pytest.fixture
async def api(platform: Platform) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(timeout=30) as client:
        yield Api(platform, client)


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
