"""Prometheus metrics for ``PulsarBroker``: FastStream's Prometheus middleware.

```python
from prometheus_client import CollectorRegistry
from faststream_pulsar import PulsarBroker
from faststream_pulsar.prometheus import PulsarPrometheusMiddleware

registry = CollectorRegistry()
broker = PulsarBroker(middlewares=[PulsarPrometheusMiddleware(registry=registry)])
```

Needs the ``prometheus`` extra (``prometheus-client``).
"""

from faststream_pulsar.prometheus.middleware import PulsarPrometheusMiddleware
from faststream_pulsar.prometheus.provider import PulsarMetricsSettingsProvider

__all__ = ("PulsarMetricsSettingsProvider", "PulsarPrometheusMiddleware")
