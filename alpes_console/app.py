"""The console's web app: its page and assets (no CDN), and a small API over the four services
(a BFF) under ``/api``.

The browser holds the user's bearer token and sends it with every call; the console forwards it
to the services, which decide what the caller may see and do (a brand's token sees its brand
only). The console keeps no state of its own and needs no database. Two things it does itself:
it reads and replays dead letters on the broker (an admin's, checked here with the platform's
``alpes.auth``), and it follows afiliaciones' saga timeline to push live updates as server-sent
events (``alpes_console.live``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

import httpx
from fastapi import APIRouter, Body, FastAPI, HTTPException, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.sse import EventSourceResponse, ServerSentEvent
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from alpes import dead_letters
from alpes.auth import Admin, AnyRole, Authenticator, Principal
from alpes.settings import SERVICES, Settings

from . import live
from .saga import annotate_saga
from .settings import ConsoleSettings
from .upstream import Unreachable, Upstream, forwarded, relay, unreachable

logger = logging.getLogger("alpes_console")

STATIC = Path(__file__).resolve().parent / "static"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
"""Everything the page loads comes from the console itself (it works offline)."""

Accion = Literal["iniciar", "finalizar", "cancelar"]


class Replay(BaseModel):
    ids: list[str] | None = Field(
        default=None, description="the dead letters' ids (as listed); none: every one"
    )
    servicio: str | None = Field(default=None, description="only this service's")


def create_app(settings: Settings | None = None, console: ConsoleSettings | None = None) -> FastAPI:
    """The console's app. ``settings`` are the platform's (``AUTH_*`` to check an admin's token
    for dead letters, ``PULSAR_URL`` and ``TOPIC_NAMESPACE`` where they are,
    ``INFLUENCER_MAX_CAMPANAS``); ``console`` where the services answer (``CONSOLE_*``).
    ``alpes.auth.AuthNotConfigured`` when the settings name no key and do not disable
    authentication, as a service would."""
    settings = settings or Settings()
    console = console or ConsoleSettings()
    auth = Authenticator.from_settings(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with httpx.AsyncClient(timeout=console.request_timeout_seconds) as client:
            app.state.upstream = Upstream(console.service_urls(), client)
            yield

    app = FastAPI(
        title="Alpes Partners console",
        description="The console's API over the four services (a BFF)",
        lifespan=lifespan,
        docs_url=None,  # Swagger UI's page loads from a CDN; the schema is served as JSON
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.auth = auth
    app.state.settings = settings
    app.state.console = console
    app.state.dead_letter_lock = asyncio.Lock()

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    app.include_router(_api(settings, console))
    app.include_router(_directory(settings))
    app.include_router(_operations(settings, console))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> FileResponse:
        return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")

    return app


def _upstream(request: Request) -> Upstream:
    return request.app.state.upstream  # type: ignore[no-any-return]


async def _proxy(
    request: Request,
    service: str,
    method: str,
    path: str,
    *,
    params: dict[str, Any] | None = None,
    json: Any = None,
) -> Response:
    try:
        r = await _upstream(request).call(
            service, method, path, headers=forwarded(request), params=params, json=json
        )
    except Unreachable as error:
        return unreachable(error)
    return relay(r)


def _api(settings: Settings, console: ConsoleSettings) -> APIRouter:
    """Who is asking, campaigns, sagas and the live feed."""
    api = APIRouter(prefix="/api", tags=["console"])

    @api.get("/config")
    async def config() -> dict[str, Any]:
        """What the page needs to know before anything else: whether the platform asks for a
        token, and the services' addresses."""
        return {
            "autenticacion": not settings.auth_disabled,
            "servicios": console.service_urls(),
            "influencer_max_campanas": settings.influencer_max_campanas,
            "poll_seconds": console.poll_seconds,
        }

    @api.get("/yo")
    async def yo(quien: AnyRole) -> dict[str, Any]:
        """Who the token says is asking (an admin when authentication is off)."""
        return {
            "sub": quien.subject,
            "rol": quien.role.value,
            "id_marca": quien.id_marca,
            "autenticacion": not settings.auth_disabled,
        }

    # --- campaigns ---

    @api.get("/campanas")
    async def campanas(
        request: Request,
        estado: str | None = None,
        id_marca: str | None = None,
        cursor: str | None = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
    ) -> Response:
        """afiliaciones' campaigns, newest first, by state and brand (``siguiente``: the
        cursor of the next page)."""
        params = {"estado": estado, "id_marca": id_marca, "cursor": cursor, "limit": limit}
        return await _proxy(request, "afiliaciones", "GET", "/afiliaciones/campanas", params=params)

    @api.post("/campanas", status_code=201)
    async def crear(request: Request, body: Annotated[dict[str, Any], Body()]) -> Response:
        """Creates a campaign (afiliaciones' ``POST /afiliaciones/campana``): its saga starts."""
        return await _proxy(request, "afiliaciones", "POST", "/afiliaciones/campana", json=body)

    @api.get("/campanas/{id_campana}")
    async def campana(request: Request, id_campana: str) -> Response:
        return await _proxy(request, "afiliaciones", "GET", f"/afiliaciones/campana/{id_campana}")

    @api.post("/campanas/{id_campana}/{accion}")
    async def cambiar(
        request: Request,
        id_campana: str,
        accion: Accion,
        body: Annotated[dict[str, Any] | None, Body()] = None,
    ) -> Response:
        """Starts, finishes or cancels the campaign (a cancellation's ``motivo`` in the body)."""
        path = f"/afiliaciones/campana/{id_campana}/{accion}"
        return await _proxy(request, "afiliaciones", "POST", path, json=body)

    @api.get("/campanas/{id_campana}/saga")
    async def saga(request: Request, id_campana: str) -> Response:
        """The campaign's saga for its picture: the timeline in time order, each line with its
        lane (``carril``), kind (``tipo``) and ms since the first (``desde_inicio_ms``)."""
        try:
            r = await _upstream(request).call(
                "afiliaciones",
                "GET",
                f"/afiliaciones/campana/{id_campana}/saga",
                headers=forwarded(request),
            )
        except Unreachable as error:
            return unreachable(error)
        return relay(r, annotate_saga(r.json()) if r.status_code == 200 else None)

    @api.get("/campanas/{id_campana}/metricas")
    async def metricas(request: Request, id_campana: str) -> Response:
        """The campaign's tracking metrics, in total and per influencer."""
        return await _proxy(request, "tracking", "GET", f"/tracking/metricas/{id_campana}")

    @api.get("/sagas/estadisticas")
    async def estadisticas(request: Request) -> Response:
        return await _proxy(request, "afiliaciones", "GET", "/afiliaciones/sagas/estadisticas")

    @api.get("/eventos", response_class=EventSourceResponse)
    async def eventos(request: Request) -> AsyncIterator[ServerSentEvent]:
        """Live updates as server-sent events (``alpes_console.live``): every new line of the
        sagas' timelines the caller may see, then the campaigns they touched."""
        headers = forwarded(request)
        async for event in live.feed(_upstream(request), headers, console.poll_seconds):
            yield event

    return api


def _directory(settings: Settings) -> APIRouter:
    """Brands and influencers."""
    api = APIRouter(prefix="/api", tags=["console"])

    @api.get("/marcas")
    async def marcas(
        request: Request,
        cursor: str | None = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> Response:
        """Brands with their budgets: total, reserved and available."""
        params = {"cursor": cursor, "limit": limit}
        return await _proxy(request, "marca", "GET", "/marca/marcas", params=params)

    @api.get("/marcas/{id_marca}/campanas")
    async def campanas_de_marca(request: Request, id_marca: str) -> Response:
        """A brand's reservations, campaign by campaign."""
        return await _proxy(request, "marca", "GET", f"/marca/marcas/{id_marca}/campanas")

    @api.get("/influencers")
    async def influencers(
        request: Request,
        nombre: str | None = None,
        plataforma: str | None = None,
        cursor: str | None = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> Response:
        """Influencers with their capacity: ``campanas_activas`` of ``capacidad`` (the most
        active campaigns one may have, ``INFLUENCER_MAX_CAMPANAS``)."""
        params = {"nombre": nombre, "plataforma": plataforma, "cursor": cursor, "limit": limit}
        try:
            r = await _upstream(request).call(
                "influencer",
                "GET",
                "/influencer/influencers",
                headers=forwarded(request),
                params=params,
            )
        except Unreachable as error:
            return unreachable(error)
        if r.status_code != 200:
            return relay(r)
        body = r.json()
        for influencer in body.get("influencers", []):
            influencer["capacidad"] = settings.influencer_max_campanas
        return relay(r, body)

    return api


def _operations(settings: Settings, console: ConsoleSettings) -> APIRouter:
    """The services' health and the broker's dead letters."""
    api = APIRouter(prefix="/api", tags=["console"])

    @api.get("/salud")
    async def salud(request: Request) -> JSONResponse:
        """Every service's readiness (``/ready``): ``listo``, ``no_listo`` (it answered 503:
        its database or the broker) or ``inalcanzable``; 200 when all four are ready, else
        503."""
        results = await asyncio.gather(*(_ready(_upstream(request), name) for name in SERVICES))
        everyone = all(r["estado"] == "listo" for r in results)
        return JSONResponse({"servicios": results}, status_code=200 if everyone else 503)

    # --- dead letters ---

    @api.get("/dead-letters")
    async def listar_dead_letters(
        request: Request, quien: Admin, servicio: str | None = None
    ) -> JSONResponse:
        """The dead letters not replayed yet, on the broker (an admin's)."""
        del quien
        async with request.app.state.dead_letter_lock:
            letters = await asyncio.to_thread(
                dead_letters.list_dead_letters,
                settings,
                _service(servicio),
                idle_seconds=console.dead_letter_idle_seconds,
            )
        return JSONResponse({"dead_letters": [letter.as_json() for letter in letters]})

    @api.post("/dead-letters/replay")
    async def replay(request: Request, quien: Admin, body: Replay) -> JSONResponse:
        """Republishes the chosen dead letters (all of them without ``ids``) to their origin
        topics (an admin's): each service's inbox drops what it had handled already."""
        _log_operator(quien, body)
        async with request.app.state.dead_letter_lock:
            result = await asyncio.to_thread(
                dead_letters.replay,
                settings,
                None if body.ids is None else set(body.ids),
                _service(body.servicio),
                idle_seconds=console.dead_letter_idle_seconds,
            )
        return JSONResponse(
            {
                "reenviados": [letter.as_json() for letter in result.replayed],
                "demasiado_viejos": [letter.as_json() for letter in result.too_old],
                "fallidos": [
                    {**letter.as_json(), "error": error} for letter, error in result.failed
                ],
                "no_encontrados": result.not_found,
            },
            status_code=200 if result.ok else 207,
        )

    return api


def _service(name: str | None) -> str | None:
    if name is not None and name not in SERVICES:
        raise HTTPException(422, f"unknown service {name!r}; one of {sorted(SERVICES)}")
    return name


def _log_operator(quien: Principal, body: Replay) -> None:
    logger.info(
        "dead letters replayed by %s: %s", quien.subject, "all" if body.ids is None else body.ids
    )


async def _ready(upstream: Upstream, name: str) -> dict[str, Any]:
    started = time.perf_counter()
    url = upstream.urls[name]
    try:
        r = await upstream.call(name, "GET", "/ready", timeout=3.0)
    except Unreachable as error:
        return {"servicio": name, "url": url, "estado": "inalcanzable", "detalle": str(error)}
    try:
        detalle: Any = r.json()
    except ValueError:
        detalle = r.text
    return {
        "servicio": name,
        "url": url,
        "estado": "listo" if r.status_code == 200 else "no_listo",
        "http": r.status_code,
        "latencia_ms": round((time.perf_counter() - started) * 1000, 1),
        "detalle": detalle,
    }
