"""``faststream_pulsar.prometheus``: FastStream's message metrics, labelled by topic."""

from __future__ import annotations

from typing import Any

import pytest
from faststream.prometheus import MetricsSettingsProvider
from prometheus_client import CollectorRegistry

from faststream_pulsar import PulsarBroker, PulsarPublishCommand, TestPulsarBroker
from faststream_pulsar.prometheus import PulsarMetricsSettingsProvider, PulsarPrometheusMiddleware

TOPIC = "persistent://public/default/metrics-orders"


async def test_received_processed_and_failed_messages_are_counted_per_topic() -> None:
    registry = CollectorRegistry()
    broker = PulsarBroker(
        middlewares=[PulsarPrometheusMiddleware(registry=registry, app_name="billing")]
    )

    @broker.subscriber(TOPIC, subscription="billing")
    async def handle(order: dict[str, Any]) -> None:
        if order["id"] == 3:
            raise ValueError("no stock")

    async with TestPulsarBroker(broker) as br:
        for n in range(5):
            if n == 3:
                with pytest.raises(ValueError, match="no stock"):
                    await br.publish({"id": n}, TOPIC)
            else:
                await br.publish({"id": n}, TOPIC)

    def sample(name: str, **labels: str) -> float | None:
        return registry.get_sample_value(
            f"faststream_{name}", {"app_name": "billing", "broker": "pulsar", **labels}
        )

    assert sample("received_messages_total", handler=TOPIC) == 5
    assert sample("received_processed_messages_total", handler=TOPIC, status="acked") == 4
    # FastStream's acknowledgement middleware is outside the broker's middlewares: a handler's
    # exception is counted as "error" (the message is nacked after)
    assert sample("received_processed_messages_total", handler=TOPIC, status="error") == 1
    assert (
        sample(
            "received_processed_messages_exceptions_total",
            handler=TOPIC,
            exception_type="ValueError",
        )
        == 1
    )
    assert sample("received_messages_in_process", handler=TOPIC) == 0
    assert sample("received_processed_messages_duration_seconds_count", handler=TOPIC) == 5
    assert sample("received_messages_size_bytes_sum", handler=TOPIC) == 5 * len(b'{"id":0}')
    # in memory the handler runs inside the publish, so its failure fails that publish too
    assert sample("published_messages_total", destination=TOPIC, status="success") == 4
    assert sample("published_messages_total", destination=TOPIC, status="error") == 1


def test_the_provider_fits_fastsreams_protocol() -> None:
    provider: MetricsSettingsProvider[Any, PulsarPublishCommand]
    provider = PulsarMetricsSettingsProvider()
    assert provider.messaging_system == "pulsar"
    cmd = PulsarPublishCommand({}, topic=TOPIC)
    assert provider.get_publish_destination_name_from_cmd(cmd) == TOPIC
