"""Metrics (Prometheus): what every service exports at ``GET /metrics``.

One :class:`ServiceMetrics` per app, with its own ``CollectorRegistry`` (several apps run in
one test process, and a process-wide registry would mix them). It holds:

* HTTP: ``alpes_http_requests_total`` and ``alpes_http_request_duration_seconds`` by method,
  route template and status (:class:`MetricsMiddleware`, a plain ASGI middleware);
* messages: FastStream's ``faststream_received_*`` by topic (``PulsarPrometheusMiddleware``:
  received, processed by status, exceptions, handling time), and ours by subscriber and event
  type: ``alpes_messages_handled_total``, ``alpes_messages_redelivered_total``,
  ``alpes_messages_dead_lettered_total`` (by failure kind);
* the outbox: ``alpes_outbox_pending`` and ``alpes_outbox_oldest_age_seconds``, read from the
  database when scraped (:meth:`ServiceMetrics.on_scrape`);
* what a service adds (:meth:`counter`, :meth:`histogram`, :meth:`gauge`): afiliaciones' sagas
  by state and confirmation latency, tracking's events by type.

``/metrics`` is public unless ``METRICS_TOKEN`` is set; then it needs that bearer token.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from fastapi import FastAPI, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.metrics import MetricWrapperBase
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .auth import PUBLIC
from .failures import one_line
from .http import HttpMiddleware

logger = logging.getLogger("alpes.metrics")
access = logging.getLogger("alpes.access")

M = TypeVar("M", bound=MetricWrapperBase)

Refresh = Callable[[], Awaitable[None]]
"""Reads what a gauge shows when ``/metrics`` is scraped (the outbox lag, say)."""

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
SAGA_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)

UNMATCHED = "<unmatched>"
"""The route label of a request no route matched (a 404): paths stay out of the labels."""


class ServiceMetrics:
    """One service's registry and the metrics every service has."""

    def __init__(self, service: str, *, token: str | None = None) -> None:
        self.service = service
        self.token = token
        self.registry = CollectorRegistry()
        self._refreshers: list[Refresh] = []
        self.http_requests = self.counter(
            "alpes_http_requests_total",
            "HTTP requests answered, by method, route template and status",
            ("method", "route", "status"),
        )
        self.http_duration = self.histogram(
            "alpes_http_request_duration_seconds",
            "HTTP request latency, by method, route template and status",
            ("method", "route", "status"),
            buckets=LATENCY_BUCKETS,
        )
        self.handled = self.counter(
            "alpes_messages_handled_total",
            "Messages whose reaction ran and committed, by subscriber and event type",
            ("subscriber", "event"),
        )
        self.redelivered = self.counter(
            "alpes_messages_redelivered_total",
            "Messages received again after a failed delivery, by subscriber and event type",
            ("subscriber", "event"),
        )
        self.dead_lettered = self.counter(
            "alpes_messages_dead_lettered_total",
            "Messages sent to the dead-letter topic, by subscriber, event type and failure kind",
            ("subscriber", "event", "failure"),
        )
        self.outbox_pending = self.gauge(
            "alpes_outbox_pending", "Outbox rows not yet published (read when scraped)"
        )
        self.outbox_age = self.gauge(
            "alpes_outbox_oldest_age_seconds",
            "Age of the oldest unpublished outbox row, 0 when none (read when scraped)",
        )

    # --- a service's own metrics (get or create, by name) ------------------------------------

    def counter(self, name: str, doc: str, labels: Sequence[str] = ()) -> Counter:
        return self._metric(Counter, name, doc, labels)

    def gauge(self, name: str, doc: str, labels: Sequence[str] = ()) -> Gauge:
        return self._metric(Gauge, name, doc, labels)

    def histogram(
        self,
        name: str,
        doc: str,
        labels: Sequence[str] = (),
        buckets: Sequence[float] = LATENCY_BUCKETS,
    ) -> Histogram:
        return self._metric(Histogram, name, doc, labels, buckets=buckets)

    def _metric(
        self, kind: type[M], name: str, doc: str, labels: Sequence[str], **kwargs: Any
    ) -> M:
        # Counter registers its name without "_total"
        existing = self.registry._names_to_collectors.get(name)
        if existing is not None:
            assert isinstance(existing, kind), f"{name} is a {type(existing).__name__}"
            return existing
        return kind(name, doc, labels, registry=self.registry, **kwargs)

    # --- scraping -----------------------------------------------------------------------------

    def on_scrape(self, refresh: Refresh) -> None:
        """Run ``refresh`` before each scrape (it sets gauges from the database, say)."""
        self._refreshers.append(refresh)

    async def render(self) -> bytes:
        """The exposition text, after the refreshers ran (one that fails or takes over 2 s
        leaves its gauges as they were; the scrape still answers)."""
        if self._refreshers:
            results = await asyncio.gather(
                *(_bounded(refresh) for refresh in self._refreshers), return_exceptions=True
            )
            for result in results:
                if isinstance(result, Exception):
                    logger.debug("metrics refresh failed: %s", one_line(result))
        return generate_latest(self.registry)

    def install(self, app: FastAPI) -> None:
        """``GET /metrics`` on ``app``, and the HTTP metrics middleware is the caller's."""

        @app.get("/metrics", tags=["health"], include_in_schema=True, openapi_extra=PUBLIC)
        async def metrics(request: Request) -> Response:
            """Prometheus metrics (text exposition format). Public unless ``METRICS_TOKEN`` is
            set: then ``Authorization: Bearer <METRICS_TOKEN>``."""
            if self.token is not None and not _bearer_matches(request, self.token):
                return Response(
                    b'{"detail":"metrics need the METRICS_TOKEN bearer token"}',
                    status_code=401,
                    media_type="application/json",
                    headers={"WWW-Authenticate": "Bearer"},
                )
            return Response(await self.render(), media_type=CONTENT_TYPE_LATEST)


async def _bounded(refresh: Refresh) -> None:
    async with asyncio.timeout(2):
        await refresh()


def _bearer_matches(request: Request, token: str) -> bool:
    given = request.headers.get("authorization", "")
    scheme, _, value = given.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(value.strip(), token)


class MetricsMiddleware(HttpMiddleware):
    """Counts and times every HTTP request by method, route template and status; with
    ``access_log``, one INFO line per request on ``alpes.access`` (method, path, status,
    duration in ms)."""

    def __init__(self, app: ASGIApp, metrics: ServiceMetrics, access_log: bool = False) -> None:
        super().__init__(app)
        self.metrics = metrics
        self.access_log = access_log
        # the counter's and the histogram's children by labels, looked up once each: labels()
        # validates and locks on every call, a third of this middleware's cost
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        status = 500  # what the client sees if the app raises before answering

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            template = getattr(route, "path", None) or UNMATCHED
            method = scope["method"]
            key = (method, template, status)
            children = self._children.get(key)
            if children is None:
                labels = (method, template, str(status))
                children = self._children[key] = (
                    self.metrics.http_requests.labels(*labels),
                    self.metrics.http_duration.labels(*labels),
                )
            children[0].inc()
            children[1].observe(elapsed)
            if self.access_log:
                access.info(
                    "%s %s %d %.1f ms",
                    method, scope["path"], status, elapsed * 1000,
                    extra={
                        "http": {
                            "method": method,
                            "path": scope["path"],
                            "route": template,
                            "status": status,
                            "duration_ms": round(elapsed * 1000, 2),
                        }
                    },
                )  # fmt: skip
