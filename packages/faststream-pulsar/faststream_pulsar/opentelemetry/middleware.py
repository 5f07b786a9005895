"""``PulsarTelemetryMiddleware``: FastStream's ``TelemetryMiddleware`` for ``PulsarBroker``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from faststream.opentelemetry.middleware import TelemetryMiddleware

from faststream_pulsar.opentelemetry.provider import telemetry_attributes_provider_factory
from faststream_pulsar.response import PulsarPublishCommand

if TYPE_CHECKING:
    from opentelemetry.metrics import Meter, MeterProvider
    from opentelemetry.trace import TracerProvider


class PulsarTelemetryMiddleware(TelemetryMiddleware[PulsarPublishCommand]):
    """Spans and metrics for every message a ``PulsarBroker`` publishes or consumes.

    A publish records a ``<topic> create`` and a ``<topic> publish`` span (kind PRODUCER)
    and writes the trace context into the message's properties; a consume reads it back
    and records a ``<topic> process`` span (kind CONSUMER), a child of the publisher's.
    """

    def __init__(
        self,
        *,
        tracer_provider: TracerProvider | None = None,
        meter_provider: MeterProvider | None = None,
        meter: Meter | None = None,
        include_messages_counters: bool = True,
    ) -> None:
        super().__init__(
            settings_provider_factory=telemetry_attributes_provider_factory,
            tracer_provider=tracer_provider,
            meter_provider=meter_provider,
            meter=meter,
            include_messages_counters=include_messages_counters,
        )
