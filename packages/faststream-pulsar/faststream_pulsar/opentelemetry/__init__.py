"""OpenTelemetry for ``PulsarBroker``: FastStream's telemetry middleware with Pulsar's attributes.

```python
from faststream_pulsar import PulsarBroker
from faststream_pulsar.opentelemetry import PulsarTelemetryMiddleware

broker = PulsarBroker(middlewares=[PulsarTelemetryMiddleware(tracer_provider=provider)])
```

The trace context travels in the message's properties (``traceparent``, ``tracestate``,
``baggage``), so a consumer's span is a child of the publisher's. Needs the ``otel``
extra (``opentelemetry-sdk``).
"""

from faststream_pulsar.opentelemetry.middleware import PulsarTelemetryMiddleware
from faststream_pulsar.opentelemetry.provider import (
    MESSAGING_PULSAR_MESSAGE_KEY,
    PulsarTelemetrySettingsProvider,
)

__all__ = (
    "MESSAGING_PULSAR_MESSAGE_KEY",
    "PulsarTelemetryMiddleware",
    "PulsarTelemetrySettingsProvider",
)
