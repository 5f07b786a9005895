"""The composition every service shares: FastAPI + FastStream + database + outbox relay.

A service describes itself once, in ``<service>_svc/bootstrap.py``, as a
:class:`ServiceDescription` (``SERVICE``): its name and description, its tables, its unit of
work, routers, reactions, background jobs and error map; its title and its migrations follow
from its name. :meth:`ServiceDescription.app`
builds the running thing from it; tests and ``alpes serve`` both go through it, so what is
tested is what runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import inspect
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncSession

from contracts import Context, IntegrationEvent, subscription, topic
from faststream_pulsar import PulsarBroker

from .asyncapi import document
from .auth import Authenticator
from .db import Database, UnitOfWork
from .docs_assets import install as install_docs
from .failures import Failure, FailurePolicy, one_line
from .http import BodyLimitMiddleware, CorrelationMiddleware, install_error_handlers, install_health
from .messaging import make_broker, subscribe
from .metrics import MetricsMiddleware, ServiceMetrics
from .migrations import upgrade
from .outbox import OutboxRelay
from .retention import Pruning, retention_job
from .seedwork import ConcurrencyConflict
from .settings import Settings
from .telemetry import Tracing, quiet

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
    failures: FailurePolicy
    domain_errors: Mapping[type[Exception], int]
    background: list[BackgroundJob] = field(default_factory=list)
    asyncapi: Callable[[], dict[str, Any]] | None = None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    metrics: ServiceMetrics = field(default_factory=lambda: ServiceMetrics("service"))
    tracing: Tracing = field(default_factory=Tracing)

    async def start(self) -> None:
        await upgrade(self.db.engine, self.migrations, self.name)
        await self.broker.start()
        # background jobs' own queries are not traces (the relay restores each row's context)
        with quiet(self.tracing.on):
            for job in (self.relay.run, *self.background):
                task = asyncio.create_task(_forever(job, self.failures), name=job.__qualname__)
                self.tasks.append(task)

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.tasks.clear()
        await self.broker.stop()
        await self.db.engine.dispose()
        self.tracing.shutdown()  # exports what is still buffered


async def _forever(job: BackgroundJob, failures: FailurePolicy) -> None:
    """Run a background job; restart it when it fails, backing off while it keeps failing
    (a transient failure, the database gone say, is one WARNING line, not a traceback)."""
    attempt = 0
    while True:
        started = time.monotonic()
        try:
            await job()
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            # a job that ran well for a while before failing starts its backoff afresh
            attempt = 1 if time.monotonic() - started > failures.cap else attempt + 1
            wait = failures.backoff(attempt)
            if failures.classify(exc) is Failure.TRANSIENT:
                logger.warning(
                    "background job %s: %s; restarting in %.1f s",
                    job.__qualname__, one_line(exc), wait,
                )  # fmt: skip
            else:
                logger.exception("background job %s failed; restarting", job.__qualname__)
            await asyncio.sleep(wait)


Reactions = Callable[[Settings], Mapping[Context, Mapping[type[IntegrationEvent], Any]]]
"""A service's reactions by publishing context: ``{context: {EventClass: reaction}}``."""


@dataclass(frozen=True)
class ServiceDescription:
    """What a service is made of; everything else a service has is shared."""

    name: Context
    """Also its package's: the service lives in ``<name>_svc``, whose docstring describes it."""
    unit_of_work: type[UnitOfWork]
    """Its unit of work on PostgreSQL: its tables (``metadata``), repositories and translation."""
    routers: Sequence[APIRouter]
    reactions: Reactions
    domain_errors: Mapping[type[Exception], int]
    """HTTP status by error class (the most specific class wins); a 4xx error is a broken
    rule, so a message that raises it is dead-lettered at once."""
    background: Sequence[Callable[[Database, Settings], BackgroundJob]] = ()
    retention: Sequence[Pruning] = ()
    """Its own tombstones, pruned with the inbox (``alpes.retention``)."""
    app_state: Mapping[str, Callable[[Service], Any]] = field(default_factory=dict)
    """Objects kept on ``app.state`` for its routes, built from the assembled service."""
    metrics: Sequence[Callable[[Service], None]] = ()
    """Its own metrics (``alpes.metrics``), each given the assembled service: registered on
    ``service.metrics``, refreshed when scraped or observed by its code."""

    @property
    def title(self) -> str:
        return f"Alpes Partners: {self.name}"

    @property
    def description(self) -> str:
        """What its OpenAPI and AsyncAPI documents say it does: its package's docstring."""
        return inspect.cleandoc(self._package.__doc__ or "")

    @property
    def migrations(self) -> Path:
        """Its Alembic revisions' folder, ``<name>_svc/migrations`` (the environment is
        ``alpes.migrations_env``)."""
        return Path(str(self._package.__file__)).parent / "migrations"

    @property
    def _package(self) -> ModuleType:
        return importlib.import_module(f"{self.name}_svc")

    def app(self, settings: Settings) -> FastAPI:
        """The ASGI app: HTTP API, subscribers, outbox relay and jobs, started in its lifespan."""
        service = assemble(
            settings,
            name=self.name,
            metadata=self.unit_of_work.metadata,
            migrations=self.migrations,
            reactions=self.reactions,
            title=self.title,
            description=self.description,
            domain_errors=self.domain_errors,
            background=self.background,
            retention=self.retention,
            unit_of_work=self.unit_of_work,
        )
        app = build_app(
            service, title=self.title, description=self.description, routers=self.routers
        )
        for key, build in self.app_state.items():
            setattr(app.state, key, build(service))
        for install in self.metrics:
            install(service)
        return app


def assemble(
    settings: Settings,
    *,
    name: Context,
    metadata: MetaData,
    migrations: Path,
    reactions: Reactions,
    title: str,
    description: str,
    domain_errors: Mapping[type[Exception], int],
    background: Sequence[Callable[[Database, Settings], BackgroundJob]] = (),
    retention: Sequence[Pruning] = (),
    unit_of_work: type[UnitOfWork] | None = None,
) -> Service:
    """A service's parts: its database, its broker subscribed to every topic ``reactions``
    names (on the service's subscription, each event with its reaction), with
    a publisher for its own topic, the outbox relay and its background jobs. No I/O here:
    connections open in :meth:`Service.start`.

    Every service also runs the retention job (``alpes.retention``: inbox rows, idempotency
    keys); ``retention`` adds the service's own tombstones to it.

    Every service has its metrics (``alpes.metrics``: its own registry) and, when its
    settings turn it on, tracing (``alpes.telemetry``); off, nothing of it is installed."""
    tracing = Tracing.from_settings(settings)
    metrics = ServiceMetrics(name, token=settings.metrics_token)
    db = Database.connect(
        settings.database_url,
        metadata,
        pool_size=settings.database_pool_size,
        namespace=settings.topic_namespace,
        unit_of_work=unit_of_work,
    )
    db.tracing = tracing.on
    db.metrics = metrics
    tracing.instrument_engine(db.engine)
    from faststream_pulsar.prometheus import PulsarPrometheusMiddleware

    broker = make_broker(
        settings,
        middlewares=(
            *tracing.broker_middlewares(),
            PulsarPrometheusMiddleware(registry=metrics.registry, app_name=name),
        ),
    )
    # what HTTP answers with a 4xx is a broken rule: a message that raises it is dead-lettered
    failures = FailurePolicy.from_settings(
        settings, permanent=tuple(e for e, status in domain_errors.items() if status < 500)
    )
    for context, table in reactions(settings).items():
        subscribe(
            broker,
            db,
            topic=topic(context, settings.topic_namespace),
            subscription=subscription(name),
            reactions=table,
            settings=settings,
            failures=failures,
            metrics=metrics,
        )
    broker.publisher(topic(name, settings.topic_namespace), title=f"{name}:eventos")
    relay = OutboxRelay(
        db,
        broker,
        name=name,
        batch_size=settings.outbox_batch_size,
        poll_interval=settings.outbox_poll_interval_ms / 1000,
        failures=failures,
        lag_warning_seconds=settings.outbox_lag_warning_seconds,
        tracing=tracing.on,
    )

    async def outbox_lag() -> None:
        lag = await relay.lag()
        metrics.outbox_pending.set(lag.pendientes)
        metrics.outbox_age.set(lag.antiguedad_s)

    metrics.on_scrape(outbox_lag)
    return Service(
        name=name,
        settings=settings,
        db=db,
        broker=broker,
        relay=relay,
        migrations=migrations,
        failures=failures,
        domain_errors=domain_errors,
        background=[
            *(job(db, settings) for job in background),
            retention_job(db, settings, retention),
        ],
        asyncapi=lambda: document(broker, name=name, title=title, description=description),
        metrics=metrics,
        tracing=tracing,
    )


def build_app(
    service: Service,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
) -> FastAPI:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if app.state.auth.disabled:
            logger.warning(
                "AUTHENTICATION IS DISABLED (AUTH_DISABLED=true): anyone who reaches %s can "
                "act as an admin; never run it like this outside a developer's machine",
                service.name,
            )
        await service.start()
        try:
            yield
        finally:
            await service.stop()

    app = FastAPI(
        title=title,
        description=description,
        version="1.0.0",
        lifespan=lifespan,
        docs_url=None,  # served with local assets (alpes.docs_assets): no CDN, works offline
        redoc_url=None,
    )
    install_docs(app)
    app.state.service = service
    app.state.auth = Authenticator.from_settings(service.settings)
    from .idempotency import ClaveReutilizada

    errors = {**service.domain_errors, ClaveReutilizada: 422, ConcurrencyConflict: 409}
    install_error_handlers(app, errors, service.failures)
    install_health(
        app,
        {"database": service.db.ping, "broker": lambda: service.broker.ping(2)},
        details={"outbox": service.relay.lag_report},
    )
    for router in routers:
        app.include_router(router)
    service.metrics.install(app)
    if service.asyncapi is not None:
        _install_asyncapi(app, service.asyncapi)
    app.add_middleware(BodyLimitMiddleware, max_bytes=service.settings.max_body_bytes)
    app.add_middleware(CorrelationMiddleware)
    app.add_middleware(
        MetricsMiddleware, metrics=service.metrics, access_log=service.settings.log_access
    )
    service.tracing.instrument_app(app)  # outermost: the server span covers the rest
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


ServiceDep = Annotated[Service, Depends(current_service)]
"""FastAPI dependency: the running service."""


async def _read_session(service: ServiceDep) -> AsyncIterator[AsyncSession]:
    async with service.db.sessions() as session:
        yield session


ReadSession = Annotated[AsyncSession, Depends(_read_session)]
"""FastAPI dependency: a session for the read side (queries), closed after the request."""
