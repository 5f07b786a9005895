"""One trace per saga, across the four services (docs/observability.md, docs/adr/0013).

The four services run in this process with tracing on and an in-memory exporter; a campaign
is created over HTTP, and every span of its saga (the request, each service's publishes,
consumes and queries) must carry the request's trace id, from the HTTP span to the last
``CampanaConfirmada`` consumed, or to the last compensation when the brand refuses.
"""

from __future__ import annotations

from collections.abc import Callable

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

import contracts as c
from alpes.settings import SERVICES
from contracts import Context
from faststream_pulsar.opentelemetry import MESSAGING_PULSAR_MESSAGE_KEY
from tests.helpers import eventually
from tests.integration.conftest import StartService
from tests.integration.observability.conftest import (
    Platform,
    create_campaign,
    inactive_brand,
    saga_reaches,
    start_platform,
)


def service_of(span: ReadableSpan) -> str:
    return str(span.resource.attributes["service.name"])


def in_trace(spans: InMemorySpanExporter, trace_id: int) -> list[ReadableSpan]:
    return [s for s in spans.get_finished_spans() if s.context and s.context.trace_id == trace_id]


def of_campaign(spans: InMemorySpanExporter, id_campana: str) -> list[ReadableSpan]:
    """The message spans of the campaign's events (their key is the campaign's id)."""
    return [
        s
        for s in spans.get_finished_spans()
        if (s.attributes or {}).get(MESSAGING_PULSAR_MESSAGE_KEY) == id_campana
    ]


def request_span(spans: InMemorySpanExporter, method: str, route: str) -> ReadableSpan:
    [span] = [
        s
        for s in spans.get_finished_spans()
        if s.kind is SpanKind.SERVER
        and (s.attributes or {}).get("http.route") == route
        and method
        in (
            (s.attributes or {}).get("http.request.method"),
            (s.attributes or {}).get("http.method"),
        )
    ]
    return span


def processed(topic_of: Context) -> Callable[[ReadableSpan], bool]:
    """A span that consumed a message of ``topic_of``'s topic."""
    return lambda s: (
        s.kind is SpanKind.CONSUMER
        and s.name.endswith(f"{c.topic(topic_of, 'a/b').rsplit('/', 1)[-1]} process")
    )


def by_service(spans: list[ReadableSpan], kind: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for span in spans:
        if kind == "db" and (span.attributes or {}).get("db.system") == "postgresql":
            out[service_of(span)] = out.get(service_of(span), 0) + 1
        if kind == "process" and span.kind is SpanKind.CONSUMER and span.name.endswith("process"):
            out[service_of(span)] = out.get(service_of(span), 0) + 1
    return out


async def every_service_consumed(
    spans: InMemorySpanExporter, trace_id: int, done: Callable[[ReadableSpan], bool]
) -> list[ReadableSpan]:
    """The trace's spans once each participant consumed two of afiliaciones' events in it
    (the creation, then the confirmation or the cancellation) and afiliaciones one answer of
    each (a consume's span ends after its handler)."""

    def ready() -> list[ReadableSpan] | None:
        trace = in_trace(spans, trace_id)
        participants: set[Context] = {"marca", "influencer", "tracking"}
        for participant in participants:
            if sum(done(s) and service_of(s) == participant for s in trace) < 2:
                return None
        answered = {
            p for p in participants for s in trace if processed(p)(s)
            if service_of(s) == "afiliaciones"
        }  # fmt: skip
        return trace if answered == participants else None

    return await eventually(ready, timeout=30, message="every service's spans in the trace")


async def test_a_confirmed_saga_is_one_trace_across_the_four_services(
    start_service: StartService, spans: InMemorySpanExporter
) -> None:
    platform: Platform = await start_platform(start_service, alpes_traces=True)

    campaign = await create_campaign(platform)
    await saga_reaches(platform, campaign["id"], "completada")

    root = request_span(spans, "POST", "/afiliaciones/campana")
    trace_id = root.context.trace_id
    assert root.parent is None  # the request starts the saga's trace
    # every participant consumed CampanaConfirmada (afiliaciones' topic) in the same trace
    trace = await every_service_consumed(spans, trace_id, processed("afiliaciones"))

    assert set(by_service(trace, "process")) == set(SERVICES)
    assert set(by_service(trace, "db")) == set(SERVICES)  # each handler's queries
    publishes = [s for s in trace if s.kind is SpanKind.PRODUCER and s.name.endswith("publish")]
    assert {service_of(s) for s in publishes} == set(SERVICES)  # each relay, in the trace
    # nothing of this campaign's saga went to another trace
    messages = of_campaign(spans, campaign["id"])
    assert len(messages) >= 2 * 5  # 5 events at least, each published and consumed
    assert {s.context.trace_id for s in messages} == {trace_id}
    # the relay's publish of the first outbox row is a child of the request's work
    ids = {s.context.span_id for s in trace}
    assert all(s.parent is None or s.parent.span_id in ids for s in trace)
    assert [s for s in trace if s.parent is None] == [root]


async def test_a_refused_saga_and_its_compensations_are_one_trace(
    start_service: StartService, spans: InMemorySpanExporter
) -> None:
    platform: Platform = await start_platform(start_service, alpes_traces=True)
    id_marca = await inactive_brand(platform)

    campaign = await create_campaign(platform, id_marca=id_marca)
    saga = await saga_reaches(platform, campaign["id"], "compensada")

    assert any(e["origen"] == "marca" and e["motivo"] for e in saga["linea_de_tiempo"])
    root = request_span(spans, "POST", "/afiliaciones/campana")
    trace_id = root.context.trace_id
    # the participants consumed the cancellation (afiliaciones' topic) in the same trace, and
    # afiliaciones consumed their compensations (their topics) in it too
    trace = await every_service_consumed(spans, trace_id, processed("afiliaciones"))

    assert set(by_service(trace, "process")) == set(SERVICES)
    assert set(by_service(trace, "db")) == set(SERVICES)
    messages = of_campaign(spans, campaign["id"])
    assert {s.context.trace_id for s in messages} == {trace_id}
    assert [s for s in trace if s.parent is None] == [root]


async def test_a_request_with_a_traceparent_continues_the_callers_trace(
    start_service: StartService, spans: InMemorySpanExporter
) -> None:
    marca = await start_service("marca", alpes_traces=True)
    caller_trace, caller_span = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"

    r = await marca.http.get(
        "/marca/marcas/nadie", headers={"traceparent": f"00-{caller_trace}-{caller_span}-01"}
    )
    await marca.http.get("/metrics")  # scrapes and probes are not traced
    await marca.http.get("/health")

    assert r.status_code == 404
    [span] = [s for s in spans.get_finished_spans() if s.kind is SpanKind.SERVER]
    assert span.name == "GET /marca/marcas/{id_marca}"
    assert span.context is not None and span.parent is not None
    assert format(span.context.trace_id, "032x") == caller_trace
    assert format(span.parent.span_id, "016x") == caller_span
    assert (span.attributes or {})["http.response.status_code"] == 404
