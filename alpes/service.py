"""The composition every service shares: FastAPI + FastStream + database + outbox relay.

A service's ``bootstrap.create_app(settings)`` builds its own routers, reactions and
background jobs and hands them to :func:`build_app`; tests and ``alpes serve`` both go
through it, so what is tested is what runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy import MetaData

from contracts import Context, topic
from faststream_pulsar import PulsarBroker

from .asyncapi import document
from .db import Database
from .http import BodyLimitMiddleware, CorrelationMiddleware, install_error_handlers, install_health
from .messaging import make_broker
from .migrations import upgrade
from .outbox import OutboxRelay
from .settings import Settings

logger = logging.getLogger("alpes.service")

BackgroundJob = Callable[[], Awaitable[None]]


@dataclass
class Service:
    """Everything one running service holds; kept on ``app.state.service``."""

    name: str
    settings: Settings
    db: Database
    broker: PulsarBroker
    relay: OutboxRelay
    migrations: Path
    background: list[BackgroundJob] = field(default_factory=list)
    asyncapi: Callable[[], dict[str, Any]] | None = None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def start(self) -> None:
        await upgrade(self.db.engine, self.migrations, self.name)
        await self.broker.start()
        for job in (self.relay.run, *self.background):
            self.tasks.append(asyncio.create_task(_forever(job), name=job.__qualname__))

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.tasks.clear()
        await self.broker.stop()
        await self.db.engine.dispose()


async def _forever(job: BackgroundJob) -> None:
    """Run a background job; log and restart it if it fails."""
    while True:
        try:
            await job()
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("background job %s failed; restarting", job.__qualname__)
            await asyncio.sleep(1)


def assemble(
    settings: Settings,
    *,
    name: Context,
    metadata: MetaData,
    migrations: Path,
    wire: Callable[[PulsarBroker, Database, Settings], object],
    title: str,
    description: str,
    background: Sequence[Callable[[Database, Settings], BackgroundJob]] = (),
) -> Service:
    """A service's parts: its database, its broker with the subscriptions ``wire`` declares and
    a publisher for its own topic, the outbox relay and its background jobs. No I/O here:
    connections open in :meth:`Service.start`."""
    db = Database.connect(
        settings.database_url,
        metadata,
        pool_size=settings.database_pool_size,
        namespace=settings.topic_namespace,
    )
    broker = make_broker(settings)
    wire(broker, db, settings)
    broker.publisher(topic(name, settings.topic_namespace), title=f"{name}:eventos")
    relay = OutboxRelay(
        db,
        broker,
        name=name,
        batch_size=settings.outbox_batch_size,
        poll_interval=settings.outbox_poll_interval_ms / 1000,
    )
    return Service(
        name=name,
        settings=settings,
        db=db,
        broker=broker,
        relay=relay,
        migrations=migrations,
        background=[job(db, settings) for job in background],
        asyncapi=lambda: document(broker, name=name, title=title, description=description),
    )


def build_app(
    service: Service,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    domain_errors: Mapping[type[Exception], int],
) -> FastAPI:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await service.start()
        try:
            yield
        finally:
            await service.stop()

    app = FastAPI(title=title, description=description, version="1.0.0", lifespan=lifespan)
    app.state.service = service
    install_error_handlers(app, domain_errors)
    install_health(app, {"database": service.db.ping, "broker": lambda: service.broker.ping(2)})
    for router in routers:
        app.include_router(router)
    if service.asyncapi is not None:
        _install_asyncapi(app, service.asyncapi)
    app.add_middleware(BodyLimitMiddleware, max_bytes=service.settings.max_body_bytes)
    app.add_middleware(CorrelationMiddleware)
    return app


def _install_asyncapi(app: FastAPI, document: Callable[[], dict[str, Any]]) -> None:
    @app.get("/asyncapi.json", tags=["docs"], include_in_schema=False)
    async def asyncapi_json() -> JSONResponse:
        return JSONResponse(document())

    @app.get("/asyncapi", tags=["docs"], include_in_schema=False)
    async def asyncapi_html() -> HTMLResponse:
        from .asyncapi import html

        return HTMLResponse(html(document()))


def service_of(request: Request) -> Service:
    """The running service of the app that serves ``request``."""
    return request.app.state.service  # type: ignore[no-any-return]


async def current_service(request: Request) -> Service:
    """FastAPI dependency: the running service (async, so FastAPI runs it on the loop)."""
    return service_of(request)
