"""The console's API (a BFF over the four services, ``alpes_console``) as the browser uses it,
against the platform as processes and the console as its own process: its page and assets,
the services' answers passed on with the caller's token, a saga laid out by lane, the live feed
(server-sent events), health, brands, influencers, metrics, and dead letters.

tracking runs with a bug for finished campaigns (``INJECT_FAULTS=CampanaFinalizada:permanent``)
so that there is a dead letter to list and, once tracking is fixed (restarted without it), to
replay; only the last test finishes a campaign.
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from tests.auth import ADMIN, as_marca
from tests.e2e.api import campaign_body
from tests.e2e.conftest import Platform
from tests.e2e.console import ConsoleProcess, running_console
from tests.helpers import eventually


@pytest.fixture(scope="module")
def service_settings() -> dict[str, dict[str, str]]:
    return {"tracking": {"INJECT_FAULTS": "CampanaFinalizada:permanent"}}


@pytest.fixture(scope="module")
def console(
    platform: Platform, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ConsoleProcess]:
    with running_console(platform, tmp_path_factory.mktemp("console")) as running:
        yield running


@pytest.fixture
async def bff(console: ConsoleProcess) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=console.url, headers=ADMIN, timeout=30) as client:
        yield client


class Feed:
    """The events of one live feed (``/api/eventos``), as a browser receives them."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.status: int | None = None
        self.content_type = ""

    async def read(self, client: httpx.AsyncClient, headers: Mapping[str, str]) -> None:
        async with client.stream("GET", "/api/eventos", headers=headers, timeout=None) as r:
            self.status = r.status_code
            self.content_type = r.headers.get("content-type", "")
            event = "message"
            data: list[str] = []
            async for line in r.aiter_lines():
                if not line:
                    if data:
                        self.events.append((event, json.loads("\n".join(data))))
                    event, data = "message", []
                    continue
                field, _, value = line.partition(":")
                value = value.removeprefix(" ")
                if field == "event":
                    event = value
                elif field == "data":
                    data.append(value)

    def of(self, name: str, **match: Any) -> list[dict[str, Any]]:
        return [
            data
            for event, data in self.events
            if event == name and all(data.get(k) == v for k, v in match.items())
        ]


@asynccontextmanager
async def following(
    client: httpx.AsyncClient, headers: Mapping[str, str] = ADMIN
) -> AsyncIterator[Feed]:
    """A live feed read in the background, from the moment it says it follows (``listo``)."""
    feed = Feed()
    task = asyncio.create_task(feed.read(client, headers))
    try:
        await eventually(lambda: task.done() or feed.of("listo"), timeout=15, message="listo")
        if task.done():
            task.result()
        yield feed
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def create(bff: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    r = await bff.post("/api/campanas", json=campaign_body(**body))
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


async def saga_state(bff: httpx.AsyncClient, id_campana: str, estado: str) -> dict[str, Any]:
    async def reached() -> dict[str, Any] | None:
        saga = (await bff.get(f"/api/campanas/{id_campana}/saga")).json()
        return saga if saga["estado_saga"] == estado else None

    return await eventually(reached, timeout=45, interval=0.2, message=f"saga {estado}")


async def test_the_page_and_every_asset_come_from_the_console(bff: httpx.AsyncClient) -> None:
    page = await bff.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assets = re.findall(r'(?:src|href)="([^"#]+)"', page.text)
    assert {"/static/console.js", "/static/console.css", "/static/favicon.svg"} <= set(assets)
    for asset in assets:
        assert asset.startswith("/static/"), f"{asset} is not the console's own"
        r = await bff.get(asset)
        assert r.status_code == 200, asset
        assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", r.text), (
            f"{asset} loads from elsewhere"
        )


async def test_the_services_refusal_of_a_missing_or_bad_token_is_passed_on(
    console: ConsoleProcess,
) -> None:
    async with httpx.AsyncClient(base_url=console.url) as anonymous:
        assert (await anonymous.get("/api/config")).json()["autenticacion"] is True
        for path in ("/api/campanas", "/api/marcas", "/api/yo", "/api/dead-letters"):
            r = await anonymous.get(path)
            assert r.status_code == 401, (path, r.text)
            assert r.headers["www-authenticate"].startswith("Bearer"), path
        forged = {"Authorization": "Bearer not-a-token"}
        assert (await anonymous.get("/api/campanas", headers=forged)).status_code == 401
        feed = Feed()
        await feed.read(anonymous, {})  # the feed ends at once
        assert feed.status == 200
        assert [event["status"] for event in feed.of("error")] == [401]


async def test_a_campaign_through_the_console_confirms_and_its_saga_is_laid_out_by_lane(
    bff: httpx.AsyncClient,
) -> None:
    assert (await bff.get("/api/yo")).json()["rol"] == "admin"
    campaign = await create(bff, presupuesto=2500)
    assert campaign["estado"] == "creada"
    saga = await saga_state(bff, campaign["id"], "completada")

    assert saga["carriles"] == ["afiliaciones", "marca", "influencer", "tracking"]
    lines = saga["linea_de_tiempo"]
    by_event = {line["evento"]: line for line in lines}
    assert (by_event["CampanaCreada"]["carril"], by_event["CampanaCreada"]["tipo"]) == (
        "afiliaciones",
        "inicio",
    )
    for event, lane in [
        ("PresupuestoReservado", "marca"),
        ("InfluencersAsignados", "influencer"),
        ("TrackingHabilitado", "tracking"),
        ("CampanaConfirmada", "afiliaciones"),
    ]:
        assert (by_event[event]["carril"], by_event[event]["tipo"]) == (lane, "exito"), event
    offsets = [line["desde_inicio_ms"] for line in lines]
    assert offsets[0] == 0 and offsets == sorted(offsets)
    assert lines[-1]["evento"] == "CampanaConfirmada"

    listed = (await bff.get("/api/campanas", params={"estado": "confirmada"})).json()
    assert campaign["id"] in {c["id"] for c in listed["campanas"]}
    creadas = (await bff.get("/api/campanas", params={"estado": "creada"})).json()
    assert campaign["id"] not in {c["id"] for c in creadas["campanas"]}

    marcas = (await bff.get("/api/marcas")).json()["marcas"]
    brand = next(m for m in marcas if m["id_marca"] == campaign["marca"]["id_marca"])
    assert brand["presupuesto_reservado"] == 2500
    assert brand["presupuesto_disponible"] == brand["presupuesto_total"] - 2500

    nombre = campaign["influencers"][0]["nombre"]
    found = (await bff.get("/api/influencers", params={"nombre": nombre})).json()["influencers"]
    assert [(i["campanas_activas"], i["capacidad"]) for i in found] == [(1, 3)]

    metrics = await bff.get(f"/api/campanas/{campaign['id']}/metricas")
    assert metrics.status_code == 200, metrics.text
    assert metrics.json()["total_eventos"] == 0

    stats = (await bff.get("/api/sagas/estadisticas")).json()
    assert stats["completadas"] >= 1


async def test_the_live_feed_pushes_a_saga_as_it_runs_and_its_compensation(
    bff: httpx.AsyncClient,
) -> None:
    async with following(bff) as feed:
        assert feed.content_type.startswith("text/event-stream")
        campaign = await create(bff, presupuesto=1200)
        id_campana = campaign["id"]
        await eventually(
            lambda: feed.of("campana", id=id_campana, estado="confirmada"),
            timeout=45,
            message="the campaign confirmada, pushed",
        )
        confirmed = feed.of("linea", id_campana=id_campana, evento="CampanaConfirmada")
        assert confirmed[0]["carril"] == "afiliaciones"
        assert confirmed[0]["tipo"] == "exito"

        r = await bff.post(
            f"/api/campanas/{id_campana}/cancelar", json={"motivo": "probando la consola"}
        )
        assert r.status_code == 200, r.text
        assert r.json()["estado"] == "cancelada"
        await eventually(
            lambda: feed.of("linea", id_campana=id_campana, evento="SagaCompensada"),
            timeout=45,
            message="the saga compensada, pushed",
        )
        compensations = {
            line["carril"] for line in feed.of("linea", id_campana=id_campana, tipo="compensacion")
        }
        assert compensations == {"marca", "influencer", "tracking"}
        cancelled = feed.of("linea", id_campana=id_campana, evento="CampanaCancelada")
        assert cancelled[0]["motivo"] == "probando la consola"
        assert cancelled[0]["origen"] == "usuario"
        # each line once, in the order it happened
        keys = [
            (d["evento"], d["origen"], d["ocurrido_en"])
            for d in feed.of("linea", id_campana=id_campana)
        ]
        assert len(keys) == len(set(keys))
        assert keys[0][0] == "CampanaCreada"

    saga = (await bff.get(f"/api/campanas/{id_campana}/saga")).json()
    assert saga["estado_saga"] == "compensada"
    assert saga["motivo_cancelacion"] == "probando la consola"
    assert saga["origen_cancelacion"] == "usuario"
    assert {
        line["carril"] for line in saga["linea_de_tiempo"] if line["tipo"] == "compensacion"
    } == {
        "marca",
        "influencer",
        "tracking",
    }
    again = await bff.post(f"/api/campanas/{id_campana}/iniciar")
    assert again.status_code == 409
    assert again.json()["estado"] == "cancelada"


async def test_a_brand_sees_and_follows_its_own_campaigns_only(bff: httpx.AsyncClient) -> None:
    mine, theirs = str(uuid.uuid4()), str(uuid.uuid4())
    brand = as_marca(mine)
    async with following(bff, brand) as feed:
        own = await create(bff, id_marca=mine, presupuesto=100)
        other = await create(bff, id_marca=theirs, presupuesto=100)
        await eventually(
            lambda: feed.of("campana", id=own["id"], estado="confirmada"),
            timeout=45,
            message="the brand's campaign, pushed",
        )
        await saga_state(bff, other["id"], "completada")
        assert not feed.of("linea", id_campana=other["id"])
        assert not feed.of("campana", id=other["id"])

    listed = (await bff.get("/api/campanas", headers=brand)).json()["campanas"]
    assert {c["id"] for c in listed} == {own["id"]}
    assert (await bff.get(f"/api/campanas/{other['id']}/saga", headers=brand)).status_code == 404
    assert (await bff.get("/api/yo", headers=brand)).json() | {"sub": None} == {
        "sub": None,
        "rol": "marca",
        "id_marca": mine,
        "autenticacion": True,
    }
    brands = (await bff.get("/api/marcas", headers=brand)).json()["marcas"]
    assert [m["id_marca"] for m in brands] == [mine]
    assert (await bff.get("/api/dead-letters", headers=brand)).status_code == 403


async def test_the_health_of_every_service(bff: httpx.AsyncClient) -> None:
    r = await bff.get("/api/salud", headers={})
    assert r.status_code == 200, r.text
    services = {s["servicio"]: s for s in r.json()["servicios"]}
    assert set(services) == {"afiliaciones", "marca", "influencer", "tracking"}
    assert {s["estado"] for s in services.values()} == {"listo"}


async def test_a_dead_letter_is_listed_and_replayed_by_an_admin(
    bff: httpx.AsyncClient, platform: Platform
) -> None:
    campaign = await create(bff, presupuesto=300)
    await saga_state(bff, campaign["id"], "completada")
    for accion in ("iniciar", "finalizar"):
        r = await bff.post(f"/api/campanas/{campaign['id']}/{accion}")
        assert r.status_code == 200, r.text

    async def dead_letter() -> dict[str, Any] | None:
        r = await bff.get("/api/dead-letters")
        assert r.status_code == 200, r.text
        letters = [
            d
            for d in r.json()["dead_letters"]
            if d["service"] == "tracking" and d["event_type"] == "CampanaFinalizada"
        ]
        return letters[0] if letters else None

    letter = await eventually(dead_letter, timeout=45, interval=1, message="a dead letter")
    assert "permanent" in letter["reason"]
    metricas = f"/api/campanas/{campaign['id']}/metricas"
    assert (await bff.get(metricas)).json()["estado"] == "activa"

    nothing = await bff.post("/api/dead-letters/replay", json={"ids": ["no-such-id"]})
    assert nothing.status_code == 207
    assert nothing.json()["no_encontrados"] == ["no-such-id"]

    # the fix goes out (tracking restarted without the fault), then the operator replays
    tracking = platform["tracking"]
    await asyncio.to_thread(tracking.stop)
    tracking.env.pop("INJECT_FAULTS")
    tracking.start()
    await asyncio.to_thread(tracking.wait_ready)
    r = await bff.post("/api/dead-letters/replay", json={"ids": [letter["id"]]})
    assert r.status_code == 200, r.text
    assert [d["id"] for d in r.json()["reenviados"]] == [letter["id"]]
    assert r.json()["fallidos"] == r.json()["no_encontrados"] == []

    async def finished() -> bool:
        return bool((await bff.get(metricas)).json()["estado"] == "finalizada")

    await eventually(finished, timeout=30, interval=0.2, message="tracking finalizada")
    assert await dead_letter() is None
