"""The labels of a Pulsar message in FastStream's Prometheus metrics."""

from __future__ import annotations

from typing import TYPE_CHECKING

from faststream.prometheus import MetricsSettingsProvider
from typing_extensions import override

from faststream_pulsar.response import PulsarPublishCommand

if TYPE_CHECKING:
    from faststream.message import StreamMessage
    from faststream.prometheus import ConsumeAttrs

    from faststream_pulsar.message import RawMessage


class PulsarMetricsSettingsProvider(
    MetricsSettingsProvider["RawMessage", PulsarPublishCommand],
):
    """``broker="pulsar"``; the ``handler`` of a consumed message and the ``destination``
    of a published one are its topic."""

    __slots__ = ("messaging_system",)

    def __init__(self) -> None:
        self.messaging_system = "pulsar"

    @override
    def get_consume_attrs_from_message(
        self,
        msg: StreamMessage[RawMessage],
    ) -> ConsumeAttrs:
        return {
            "destination_name": str(msg.raw_message.topic_name()),
            "message_size": len(msg.body),
            "messages_count": 1,
        }

    @override
    def get_publish_destination_name_from_cmd(
        self,
        cmd: PulsarPublishCommand,
    ) -> str:
        return cmd.destination


def settings_provider_factory(msg: RawMessage | None) -> PulsarMetricsSettingsProvider:
    """One provider for every message: Pulsar has no batch subscriber here."""
    return PulsarMetricsSettingsProvider()
