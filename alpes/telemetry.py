"""Tracing (OpenTelemetry): one trace per saga, across the four services.

A service traces when its settings say so (docs/observability.md): ``OTEL_TRACES_EXPORTER``
names an exporter (``otlp``, ``console``), or ``ALPES_TRACES`` is on (spans are made, and
dropped if no exporter is named); ``OTEL_SDK_DISABLED`` turns it all off. Off, nothing of
OpenTelemetry is installed: no broker middleware, no FastAPI or SQLAlchemy instrumentation,
no trace context in the outbox (docs/adr/0013).

On, a service has its own ``TracerProvider`` (``service.name`` = ``OTEL_SERVICE_NAME`` or the
service's name), and the trace goes: the HTTP request (FastAPI) -> the unit of work's outbox
row (its ``traceparent``, :func:`inject`) -> the relay's publish (:func:`restored`: a child of
the span that wrote the row) -> the Pulsar message (``PulsarTelemetryMiddleware``) -> the
handler and its queries (SQLAlchemy) -> the next outbox row, and so on.

Background jobs (the relay's own polling, the deadline job, retention) run with the
instrumentation suppressed (:func:`quiet`), so their periodic queries are not traces of their
own; the relay's publish of a row restores the row's context, which is not suppressed.

Tests add span processors (an in-memory exporter, say) with :func:`extra_processors`.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .http import HttpMiddleware

if TYPE_CHECKING:
    from fastapi import FastAPI
    from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
    from opentelemetry.trace import Tracer
    from sqlalchemy.ext.asyncio import AsyncEngine

    from .settings import Settings

logger = logging.getLogger("alpes.telemetry")

_EXTRA: list[SpanProcessor] = []

TRACE_PROPERTIES = ("traceparent", "tracestate")
"""The W3C trace context's keys, as an outbox row's properties hold them."""

EXCLUDED_PATHS = frozenset({"/metrics", "/health", "/ready"})
"""Requests not traced: scrapes and probes."""


@contextlib.contextmanager
def extra_processors(*processors: SpanProcessor) -> Iterator[None]:
    """Within this block, every tracing service built also sends its spans to ``processors``
    (tests: an in-memory exporter). Tracing must still be on in its settings."""
    _EXTRA.extend(processors)
    try:
        yield
    finally:
        for processor in processors:
            _EXTRA.remove(processor)


def enabled(settings: Settings) -> bool:
    """Whether ``settings`` turn tracing on."""
    if settings.otel_sdk_disabled:
        return False
    return bool(_exporters(settings)) or settings.alpes_traces


def _exporters(settings: Settings) -> list[str]:
    names = [n.strip().lower() for n in settings.otel_traces_exporter.split(",")]
    return [n for n in names if n and n != "none"]


@dataclass
class Tracing:
    """A service's tracing; ``provider`` None means off, and every method does nothing."""

    provider: TracerProvider | None = None

    @property
    def on(self) -> bool:
        return self.provider is not None

    @classmethod
    def from_settings(cls, settings: Settings) -> Tracing:
        if not enabled(settings):
            return cls()
        from opentelemetry.sdk.resources import SERVICE_NAME, Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

        name = settings.otel_service_name or settings.service
        provider = TracerProvider(resource=Resource.create({SERVICE_NAME: name}))
        for exporter in _exporters(settings):
            if exporter == "otlp":
                provider.add_span_processor(BatchSpanProcessor(_otlp(settings)))
            elif exporter == "console":
                from opentelemetry.sdk.trace.export import ConsoleSpanExporter

                provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))
            else:
                logger.warning("OTEL_TRACES_EXPORTER=%s is not supported; ignored", exporter)
        for processor in _EXTRA:
            provider.add_span_processor(processor)
        return cls(provider)

    def broker_middlewares(self) -> tuple[Any, ...]:
        """``PulsarTelemetryMiddleware`` on this provider (none when off)."""
        if self.provider is None:
            return ()
        from faststream_pulsar.opentelemetry import PulsarTelemetryMiddleware

        return (PulsarTelemetryMiddleware(tracer_provider=self.provider),)

    def instrument_app(self, app: FastAPI) -> None:
        """A server span per HTTP request (not for scrapes and probes): the outermost
        middleware (:class:`ServerSpanMiddleware`)."""
        if self.provider is None:
            return
        app.add_middleware(ServerSpanMiddleware, tracer=self.provider.get_tracer("alpes.http"))

    def instrument_engine(self, engine: AsyncEngine) -> None:
        """A CLIENT span per SQL statement on ``engine`` (:class:`SqlSpans`)."""
        if self.provider is None:
            return
        SqlSpans(self.provider.get_tracer("alpes.sql"), engine)

    def shutdown(self) -> None:
        if self.provider is not None:
            self.provider.shutdown()


def _otlp(settings: Settings) -> Any:
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    if settings.otel_exporter_otlp_endpoint:
        # as the exporter does with OTEL_EXPORTER_OTLP_ENDPOINT: the traces' path appended
        endpoint = settings.otel_exporter_otlp_endpoint.rstrip("/") + "/v1/traces"
        return OTLPSpanExporter(endpoint=endpoint)
    return OTLPSpanExporter()  # OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT, or localhost:4318


def inject(carrier: MutableMapping[str, Any]) -> None:
    """Write the current span's context (``traceparent``, ``tracestate``) into ``carrier``;
    nothing when no span is active."""
    from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

    TraceContextTextMapPropagator().inject(carrier)


@contextlib.contextmanager
def restored(carrier: MutableMapping[str, Any]) -> Iterator[None]:
    """Within this block, the current context is the one ``carrier`` holds (an outbox row's
    properties; popped from it); without one, an empty context: a new trace, not suppressed."""
    from opentelemetry import context
    from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

    stored = {k: carrier.pop(k) for k in TRACE_PROPERTIES if k in carrier}
    token = context.attach(TraceContextTextMapPropagator().extract(stored))
    try:
        yield
    finally:
        context.detach(token)


@contextlib.contextmanager
def quiet(on: bool) -> Iterator[None]:
    """Within this block (a background job), instrumentations record nothing (when ``on``)."""
    if not on:
        yield
        return
    from opentelemetry.instrumentation.utils import suppress_instrumentation

    with suppress_instrumentation():
        yield


class ServerSpanMiddleware(HttpMiddleware):
    """A SERVER span per HTTP request, ``<METHOD> <route template>``, continuing the caller's
    trace when its request carries a ``traceparent``; with OpenTelemetry's HTTP attributes
    (``http.request.method``, ``url.path``, ``http.route``, ``http.response.status_code``) and
    an error status on a 5xx or an exception.

    Ours rather than ``FastAPIInstrumentor``'s: that one costs about 100 µs per request (its
    attributes, its metrics, its route lookup), a tenth of a single ingestion request's CPU;
    this one about 10 µs (docs/observability.md): a span started and ended by hand, not
    ``start_as_current_span``'s context managers."""

    def __init__(self, app: ASGIApp, tracer: Tracer) -> None:
        super().__init__(app)
        from opentelemetry import context, trace
        from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

        self.tracer = tracer
        self.propagator = TraceContextTextMapPropagator()
        self.attach, self.detach = context.attach, context.detach
        self.set_span_in_context = trace.set_span_in_context
        self.server = trace.SpanKind.SERVER
        self.error = trace.Status(trace.StatusCode.ERROR)

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path"]
        if path in EXCLUDED_PATHS:
            await self.app(scope, receive, send)
            return
        carrier = {}
        for name, value in scope.get("headers") or ():
            if name in (b"traceparent", b"tracestate"):
                carrier[name.decode()] = value.decode("latin-1")
        parent = self.propagator.extract(carrier) if carrier else None
        method = scope["method"]
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        # the attributes are set once, at the end: the built-in samplers do not read them
        span = self.tracer.start_span(method, context=parent, kind=self.server)
        token = self.attach(self.set_span_in_context(span))
        try:
            await self.app(scope, receive, send_status)
        except BaseException as exc:
            span.record_exception(exc)
            status = 500
            raise
        finally:
            self.detach(token)
            attributes = {"http.request.method": method, "url.path": path}
            route = getattr(scope.get("route"), "path", None)
            if route is not None:
                span.update_name(f"{method} {route}")
                attributes["http.route"] = route
            attributes["http.response.status_code"] = status
            span.set_attributes(attributes)
            if status >= 500:
                span.set_status(self.error)
            span.end()


class SqlSpans:
    """A CLIENT span per statement an engine runs, ``<OPERATION> <database>``, with
    OpenTelemetry's database attributes (``db.system``, ``db.namespace``, ``db.query.text``; not
    the recommended ``server.address`` and ``server.port``, the same on every span of a
    service: each attribute is validated and copied per span) and an error status when it
    fails; none while the instrumentation is suppressed (:func:`quiet`).

    It wraps the engine's dialect's three execution methods (``do_execute``,
    ``do_execute_no_params``, ``do_executemany``: the calls that reach the driver), on that
    engine's dialect only. Not SQLAlchemy's cursor events: with listeners on an engine, every
    statement pays its event dispatch, which cost a page of tracking events about as much as
    its spans did; nor ``SQLAlchemyInstrumentor``'s ``EngineTracer``, which acts once per
    process (``instrument()``) and, per statement and connection checkout, rebuilds the same
    attributes and counts connections into a meter: a read of 100 tracking events lost 18 % of
    its throughput with it (docs/observability.md)."""

    def __init__(self, tracer: Tracer, engine: AsyncEngine) -> None:
        from opentelemetry import trace
        from opentelemetry.instrumentation.utils import is_instrumentation_enabled

        url = engine.url
        self.database = url.database or ""
        self.attributes: dict[str, Any] = {"db.system": engine.dialect.name}
        if url.database:
            self.attributes["db.namespace"] = url.database
        self.tracer = tracer
        self.client = trace.SpanKind.CLIENT
        self.enabled = is_instrumentation_enabled
        self.status = trace.Status
        self.error_code = trace.StatusCode.ERROR
        dialect = engine.sync_engine.dialect
        for method in ("do_execute", "do_execute_no_params", "do_executemany"):
            setattr(dialect, method, self._traced(getattr(dialect, method)))

    def _traced(self, execute: Callable[..., None]) -> Callable[..., None]:
        def traced(cursor: Any, statement: str, *args: Any, **kwargs: Any) -> None:
            if not self.enabled():
                execute(cursor, statement, *args, **kwargs)
                return
            operation = statement.lstrip()[:16].split(None, 1)
            name = f"{operation[0] if operation else 'SQL'} {self.database}".rstrip()
            span = self.tracer.start_span(
                name,
                kind=self.client,
                attributes={**self.attributes, "db.query.text": statement},
            )
            try:
                execute(cursor, statement, *args, **kwargs)
            except BaseException as exc:
                span.set_status(self.status(self.error_code, str(exc)[:200]))
                raise
            finally:
                span.end()

        return traced
