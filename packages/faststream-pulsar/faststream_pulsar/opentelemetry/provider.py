"""The span attributes of a Pulsar message, published or consumed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from faststream.opentelemetry import TelemetrySettingsProvider
from faststream.opentelemetry.consts import MESSAGING_DESTINATION_PUBLISH_NAME
from opentelemetry.semconv.trace import SpanAttributes
from typing_extensions import override

from faststream_pulsar.response import PulsarPublishCommand

if TYPE_CHECKING:
    from faststream.message import StreamMessage

    from faststream_pulsar.message import RawMessage

MESSAGING_PULSAR_MESSAGE_KEY = "messaging.pulsar.message.key"
"""The message's partition key; OpenTelemetry's conventions name none for Pulsar, so this
follows their ``messaging.kafka.message.key``."""

MESSAGING_DESTINATION_SUBSCRIPTION_NAME = "messaging.destination.subscription.name"
"""The subscription a message was consumed on (OpenTelemetry's messaging conventions)."""


class PulsarTelemetrySettingsProvider(
    TelemetrySettingsProvider["RawMessage", PulsarPublishCommand],
):
    """What FastStream's ``TelemetryMiddleware`` records of a Pulsar message.

    Destination: the topic. Attributes: the messaging system (``pulsar``), the message
    id, the correlation (conversation) id, the payload size, the partition key when there
    is one, and on consume the subscription.
    """

    __slots__ = ("messaging_system",)

    def __init__(self) -> None:
        self.messaging_system = "pulsar"

    @override
    def get_consume_attrs_from_message(
        self,
        msg: StreamMessage[RawMessage],
    ) -> dict[str, Any]:
        raw = msg.raw_message
        attrs: dict[str, Any] = {
            SpanAttributes.MESSAGING_SYSTEM: self.messaging_system,
            SpanAttributes.MESSAGING_MESSAGE_ID: msg.message_id,
            SpanAttributes.MESSAGING_MESSAGE_CONVERSATION_ID: msg.correlation_id,
            SpanAttributes.MESSAGING_MESSAGE_PAYLOAD_SIZE_BYTES: len(msg.body),
            MESSAGING_DESTINATION_PUBLISH_NAME: raw.topic_name(),
        }
        if key := raw.partition_key():
            attrs[MESSAGING_PULSAR_MESSAGE_KEY] = key
        subscriber = getattr(msg, "_subscriber", None)
        if subscription := getattr(subscriber, "subscription", None):
            attrs[MESSAGING_DESTINATION_SUBSCRIPTION_NAME] = subscription
        return attrs

    @override
    def get_consume_destination_name(
        self,
        msg: StreamMessage[RawMessage],
    ) -> str:
        return str(msg.raw_message.topic_name())

    @override
    def get_publish_attrs_from_cmd(
        self,
        cmd: PulsarPublishCommand,
    ) -> dict[str, Any]:
        attrs: dict[str, Any] = {
            SpanAttributes.MESSAGING_SYSTEM: self.messaging_system,
            SpanAttributes.MESSAGING_DESTINATION_NAME: cmd.destination,
            SpanAttributes.MESSAGING_MESSAGE_CONVERSATION_ID: cmd.correlation_id,
        }
        if key := getattr(cmd, "key", None):
            attrs[MESSAGING_PULSAR_MESSAGE_KEY] = key
        if message_id := getattr(cmd, "message_id", None):
            attrs[SpanAttributes.MESSAGING_MESSAGE_ID] = message_id
        return attrs

    @override
    def get_publish_destination_name(
        self,
        cmd: PulsarPublishCommand,
    ) -> str:
        return cmd.destination


def telemetry_attributes_provider_factory(
    msg: RawMessage | None,
) -> PulsarTelemetrySettingsProvider:
    """One provider for every message: Pulsar has no batch subscriber here."""
    return PulsarTelemetrySettingsProvider()
