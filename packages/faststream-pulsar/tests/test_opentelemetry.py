"""``faststream_pulsar.opentelemetry``: a publish and its consume make one trace, the trace
context travelling in the message's properties; in memory, then through a real broker."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from faststream import Context
from faststream.opentelemetry import TelemetrySettingsProvider
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.semconv.trace import SpanAttributes
from opentelemetry.trace import SpanKind

from faststream_pulsar import PulsarBroker, PulsarMessage, PulsarPublishCommand, TestPulsarBroker
from faststream_pulsar.opentelemetry import (
    MESSAGING_PULSAR_MESSAGE_KEY,
    PulsarTelemetryMiddleware,
    PulsarTelemetrySettingsProvider,
)

TOPIC = "persistent://public/default/otel-orders"


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    yield exporter
    exporter.clear()


@pytest.fixture
def tracer_provider(exporter: InMemorySpanExporter) -> TracerProvider:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider


def span(spans: tuple[ReadableSpan, ...], name: str) -> ReadableSpan:
    found = [s for s in spans if s.name == name]
    assert len(found) == 1, [s.name for s in spans]
    return found[0]


def traceparent_span_id(headers: dict[str, Any]) -> int:
    """The parent span id a W3C ``traceparent`` header names."""
    return int(str(headers["traceparent"]).split("-")[2], 16)


async def test_a_publish_and_its_consume_are_one_trace(
    exporter: InMemorySpanExporter, tracer_provider: TracerProvider
) -> None:
    broker = PulsarBroker(middlewares=[PulsarTelemetryMiddleware(tracer_provider=tracer_provider)])
    received: list[dict[str, Any]] = []

    @broker.subscriber(TOPIC, subscription="billing")
    async def handle(order: dict[str, Any], message: PulsarMessage = Context()) -> None:
        received.append(dict(message.headers))

    async with TestPulsarBroker(broker) as br:
        await br.publish({"id": 1}, TOPIC, key="order-1", correlation_id="corr-1")

    spans = exporter.get_finished_spans()
    create = span(spans, f"{TOPIC} create")
    publish = span(spans, f"{TOPIC} publish")
    process = span(spans, f"{TOPIC} process")
    assert create.context is not None and publish.context is not None
    assert process.context is not None and process.parent is not None
    assert publish.parent is not None

    # one trace; the consumer's parent is the context the publisher put in the properties
    assert create.context.trace_id == publish.context.trace_id == process.context.trace_id
    assert publish.parent.span_id == create.context.span_id
    assert process.parent.span_id == create.context.span_id
    assert process.parent.is_remote
    assert traceparent_span_id(received[0]) == create.context.span_id

    assert (create.kind, publish.kind, process.kind) == (
        SpanKind.PRODUCER,
        SpanKind.PRODUCER,
        SpanKind.CONSUMER,
    )
    assert publish.attributes is not None and process.attributes is not None
    assert publish.attributes[SpanAttributes.MESSAGING_SYSTEM] == "pulsar"
    assert publish.attributes[SpanAttributes.MESSAGING_DESTINATION_NAME] == TOPIC
    assert publish.attributes[SpanAttributes.MESSAGING_MESSAGE_CONVERSATION_ID] == "corr-1"
    assert publish.attributes[MESSAGING_PULSAR_MESSAGE_KEY] == "order-1"
    assert publish.attributes[SpanAttributes.MESSAGING_OPERATION] == "publish"
    assert dict(process.attributes) == {
        SpanAttributes.MESSAGING_SYSTEM: "pulsar",
        SpanAttributes.MESSAGING_MESSAGE_ID: process.attributes[
            SpanAttributes.MESSAGING_MESSAGE_ID
        ],
        SpanAttributes.MESSAGING_MESSAGE_CONVERSATION_ID: "corr-1",
        SpanAttributes.MESSAGING_MESSAGE_PAYLOAD_SIZE_BYTES: len(b'{"id":1}'),
        "messaging.destination_publish.name": TOPIC,
        MESSAGING_PULSAR_MESSAGE_KEY: "order-1",
        "messaging.destination.subscription.name": "billing",
        SpanAttributes.MESSAGING_OPERATION: "process",
    }
    assert process.attributes[SpanAttributes.MESSAGING_MESSAGE_ID]


async def test_a_handler_publishing_continues_the_trace(
    exporter: InMemorySpanExporter, tracer_provider: TracerProvider
) -> None:
    broker = PulsarBroker(middlewares=[PulsarTelemetryMiddleware(tracer_provider=tracer_provider)])
    invoices = "persistent://public/default/otel-invoices"

    @broker.subscriber(TOPIC, subscription="billing")
    @broker.publisher(invoices)
    async def bill(order: dict[str, Any]) -> dict[str, Any]:
        return {"order": order["id"]}

    @broker.subscriber(invoices, subscription="mail")
    async def mail(invoice: dict[str, Any]) -> None: ...

    async with TestPulsarBroker(broker) as br:
        await br.publish({"id": 1}, TOPIC)

    spans = exporter.get_finished_spans()
    assert len({s.context.trace_id for s in spans if s.context is not None}) == 1
    first = span(spans, f"{TOPIC} process")
    second = span(spans, f"{invoices} process")
    assert first.context is not None and second.parent is not None
    assert second.parent.trace_id == first.context.trace_id


async def test_a_failed_handler_marks_its_span(
    exporter: InMemorySpanExporter, tracer_provider: TracerProvider
) -> None:
    broker = PulsarBroker(middlewares=[PulsarTelemetryMiddleware(tracer_provider=tracer_provider)])

    @broker.subscriber(TOPIC, subscription="billing")
    async def handle(order: dict[str, Any]) -> None:
        raise ValueError("no stock")

    async with TestPulsarBroker(broker) as br:
        with pytest.raises(ValueError, match="no stock"):
            await br.publish({"id": 1}, TOPIC)

    process = span(exporter.get_finished_spans(), f"{TOPIC} process")
    assert not process.status.is_ok
    assert [e.name for e in process.events] == ["exception"]


async def test_messages_are_counted_in_the_meter(tracer_provider: TracerProvider) -> None:
    reader = InMemoryMetricReader()
    broker = PulsarBroker(
        middlewares=[
            PulsarTelemetryMiddleware(
                tracer_provider=tracer_provider,
                meter_provider=MeterProvider(metric_readers=[reader]),
            )
        ]
    )

    @broker.subscriber(TOPIC, subscription="billing")
    async def handle(order: dict[str, Any]) -> None: ...

    async with TestPulsarBroker(broker) as br:
        for n in range(3):
            await br.publish({"id": n}, TOPIC)

    data = reader.get_metrics_data()
    assert data is not None
    points: dict[str, list[Any]] = {
        metric.name: list(metric.data.data_points)
        for resource in data.resource_metrics
        for scope in resource.scope_metrics
        for metric in scope.metrics
    }
    processed = points["messaging.process.messages"]
    assert [p.value for p in processed] == [3]
    assert processed[0].attributes == {
        SpanAttributes.MESSAGING_SYSTEM: "pulsar",
        "messaging.destination_publish.name": TOPIC,
    }
    assert [p.value for p in points["messaging.publish.messages"]] == [3]


def test_the_provider_fits_fastsreams_protocol() -> None:
    provider: TelemetrySettingsProvider[Any, PulsarPublishCommand]
    provider = PulsarTelemetrySettingsProvider()
    assert provider.messaging_system == "pulsar"
    cmd = PulsarPublishCommand({}, topic=TOPIC, message_id="m-1", correlation_id="c")
    assert provider.get_publish_destination_name(cmd) == TOPIC
    assert provider.get_publish_attrs_from_cmd(cmd) == {
        SpanAttributes.MESSAGING_SYSTEM: "pulsar",
        SpanAttributes.MESSAGING_DESTINATION_NAME: TOPIC,
        SpanAttributes.MESSAGING_MESSAGE_CONVERSATION_ID: "c",
        SpanAttributes.MESSAGING_MESSAGE_ID: "m-1",
    }


async def test_the_trace_context_survives_a_real_broker(
    pulsar_url: str, exporter: InMemorySpanExporter, tracer_provider: TracerProvider
) -> None:
    topic = f"persistent://public/default/otel-{uuid.uuid4().hex[:12]}"
    broker = PulsarBroker(
        pulsar_url, middlewares=[PulsarTelemetryMiddleware(tracer_provider=tracer_provider)]
    )
    received: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    @broker.subscriber(topic, subscription="otel")
    async def handle(order: dict[str, Any], message: PulsarMessage = Context()) -> None:
        await received.put(dict(message.headers))

    async with broker:
        await broker.start()
        await broker.publish({"id": 1}, topic, key="order-1")
        headers = await asyncio.wait_for(received.get(), 20)
        for _ in range(200):  # the process span ends once the message is settled
            if any(s.name == f"{topic} process" for s in exporter.get_finished_spans()):
                break
            await asyncio.sleep(0.05)

    spans = exporter.get_finished_spans()
    create = span(spans, f"{topic} create")
    process = span(spans, f"{topic} process")
    assert create.context is not None and process.context is not None
    assert process.parent is not None and process.parent.is_remote
    assert process.context.trace_id == create.context.trace_id
    assert process.parent.span_id == create.context.span_id
    assert traceparent_span_id(headers) == create.context.span_id
    assert process.attributes is not None
    assert process.attributes["messaging.destination_publish.name"] == topic
    assert process.attributes[MESSAGING_PULSAR_MESSAGE_KEY] == "order-1"
