"""The console's own logic, without the platform: a saga's timeline laid out by lane and kind,
the live feed's reading of afiliaciones' timeline (fake services behind ``httpx.MockTransport``),
and what the console answers when a service is down or when it has no authentication settings.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi.sse import ServerSentEvent

from alpes.auth import AuthNotConfigured
from alpes.settings import Settings
from alpes_console import ConsoleSettings, create_app
from alpes_console.live import Seen, feed, line_key, new_lines
from alpes_console.saga import annotate_saga
from alpes_console.upstream import Upstream
from tests.auth import ADMIN, TEST_KEY
from tests.helpers import eventually


def _line(evento: str, origen: str, at: str, motivo: str | None = None) -> dict[str, Any]:
    return {
        "id_saga": "s1",
        "id_campana": "c1",
        "evento": evento,
        "origen": origen,
        "ocurrido_en": f"2025-03-01T10:00:{at}+00:00",
        "motivo": motivo,
    }


def test_a_saga_is_laid_out_by_lane_kind_and_time() -> None:
    saga = {
        "estado_saga": "compensada",
        "linea_de_tiempo": [
            _line("AsignacionInfluencersRechazada", "influencer", "01.250", "capacidad excedida"),
            _line("CampanaCreada", "afiliaciones", "01.000"),
            _line("CampanaCancelada", "influencer", "01.300", "capacidad excedida"),
            _line("PresupuestoLiberado", "marca", "01.500"),
            _line("SagaCompensada", "afiliaciones", "01.600"),
            _line("AlgoNuevo", "otro", "01.700"),
        ],
    }

    laid_out = annotate_saga(saga)

    assert laid_out["carriles"] == ["afiliaciones", "marca", "influencer", "tracking"]
    assert [
        (line["evento"], line["carril"], line["tipo"], line["desde_inicio_ms"])
        for line in laid_out["linea_de_tiempo"]
    ] == [
        ("CampanaCreada", "afiliaciones", "inicio", 0),
        ("AsignacionInfluencersRechazada", "influencer", "fallo", 250),
        # a cancellation is afiliaciones' event whoever caused it (its origen)
        ("CampanaCancelada", "afiliaciones", "cancelacion", 300),
        ("PresupuestoLiberado", "marca", "compensacion", 500),
        ("SagaCompensada", "afiliaciones", "compensada", 600),
        ("AlgoNuevo", "afiliaciones", "info", 700),
    ]
    assert laid_out["linea_de_tiempo"][2]["origen"] == "influencer"


def _afiliaciones(handler: Callable[[httpx.Request], httpx.Response]) -> Upstream:
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return Upstream({"afiliaciones": "http://afiliaciones"}, client)


def _historial(timeline: list[dict[str, Any]], page: int = 100) -> Callable[..., httpx.Response]:
    """afiliaciones' ``/sagas/historial``: ``timeline`` newest first, paged by a cursor."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/afiliaciones/campana/"):
            return httpx.Response(200, json={"id": request.url.path.rsplit("/", 1)[-1]})
        start = int(request.url.params.get("cursor", 0))
        lines = timeline[start : start + page]
        more = start + page < len(timeline)
        return httpx.Response(
            200, json={"historial": lines, "siguiente": str(start + page) if more else None}
        )

    return handler


async def test_new_lines_are_the_unseen_ones_oldest_first_read_back_through_a_burst() -> None:
    timeline = [_line(f"E{i}", "marca", f"{i:02d}") for i in range(250, 0, -1)]  # newest first
    seen = Seen()
    for line in timeline[200:]:  # the 50 oldest were seen already
        seen.add(line_key(line))
    upstream = _afiliaciones(_historial(timeline))

    fresh = await new_lines(upstream, {}, seen)

    assert [line["evento"] for line in fresh] == [f"E{i}" for i in range(51, 251)]
    await upstream.client.aclose()


async def test_the_feed_says_it_follows_then_pushes_what_is_new_and_the_campaigns_touched() -> None:
    timeline = [_line("CampanaCreada", "afiliaciones", "00")]
    upstream = _afiliaciones(_historial(timeline))
    events: list[ServerSentEvent] = []

    async def read() -> None:
        async for event in feed(upstream, {}, poll_seconds=0.01):
            events.append(event)

    task = asyncio.create_task(read())
    try:
        await eventually(lambda: events, timeout=5, message="the feed's first event")
        assert events[0].event == "listo"  # the line already there is history
        timeline.insert(0, _line("PresupuestoReservado", "marca", "01"))
        await eventually(lambda: len(events) >= 3, timeout=5, message="three events")
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await upstream.client.aclose()
    assert [(e.event, e.data.get("evento") or e.data.get("id")) for e in events[:3]] == [
        ("listo", None),
        ("linea", "PresupuestoReservado"),
        ("campana", "c1"),
    ]
    assert events[1].data["carril"] == "marca" and events[1].data["tipo"] == "exito"


async def test_the_feed_ends_with_the_refusal_of_a_token() -> None:
    upstream = _afiliaciones(lambda request: httpx.Response(401, json={"detail": "expired"}))
    events = [event async for event in feed(upstream, {}, poll_seconds=0.01)]
    await upstream.client.aclose()
    assert [(e.event, e.data) for e in events] == [("error", {"status": 401, "detail": "expired"})]


def test_the_console_will_not_start_without_authentication_settings() -> None:
    with pytest.raises(AuthNotConfigured):
        create_app(Settings(auth_hs256_secret=None, auth_jwks_url=None), ConsoleSettings())


async def test_a_service_down_is_a_502_naming_it_and_unreachable_in_health() -> None:
    console = ConsoleSettings(
        afiliaciones_url="http://127.0.0.1:9",
        marca_url="http://127.0.0.1:9",
        influencer_url="http://127.0.0.1:9",
        tracking_url="http://127.0.0.1:9",
        request_timeout_seconds=2,
    )
    app = create_app(Settings(auth_hs256_secret=TEST_KEY), console)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://console", headers=ADMIN
        ) as http,
    ):
        r = await http.get("/api/campanas")
        assert r.status_code == 502
        assert r.json()["servicio"] == "afiliaciones"
        health = await http.get("/api/salud")
        assert health.status_code == 503
        assert {s["estado"] for s in health.json()["servicios"]} == {"inalcanzable"}
        yo = await http.get("/api/yo")
        assert yo.json()["rol"] == "admin"
