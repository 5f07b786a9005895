"""``PulsarPrometheusMiddleware``: FastStream's ``PrometheusMiddleware`` for ``PulsarBroker``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from faststream._internal.constants import EMPTY
from faststream.prometheus.middleware import PrometheusMiddleware

from faststream_pulsar.message import RawMessage
from faststream_pulsar.prometheus.provider import settings_provider_factory
from faststream_pulsar.response import PulsarPublishCommand

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from prometheus_client import CollectorRegistry


class PulsarPrometheusMiddleware(PrometheusMiddleware[RawMessage, PulsarPublishCommand]):
    """FastStream's message metrics for a ``PulsarBroker``, in ``registry``.

    Counters of received, processed (by status: acked, nacked, rejected, ...) and failed
    messages and histograms of their size and handling time, labelled ``handler=<topic>``;
    published messages and their latency, labelled ``destination=<topic>``. Names start
    with ``metrics_prefix`` (``faststream_received_messages_total``, ...).
    """

    def __init__(
        self,
        *,
        registry: CollectorRegistry,
        app_name: str = EMPTY,
        metrics_prefix: str = "faststream",
        received_messages_size_buckets: Sequence[float] | None = None,
        custom_labels: dict[str, str | Callable[[Any], str]] | None = None,
    ) -> None:
        super().__init__(
            settings_provider_factory=settings_provider_factory,
            registry=registry,
            app_name=app_name,
            metrics_prefix=metrics_prefix,
            received_messages_size_buckets=received_messages_size_buckets,
            custom_labels=custom_labels,
        )
