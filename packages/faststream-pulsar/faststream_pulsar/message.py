"""Pulsar messages as FastStream sees them, and how acknowledgement maps onto Pulsar.

| FastStream | Pulsar |
|---|---|
| ``ack``    | ``acknowledge``: the subscription is done with the message |
| ``nack``   | ``negative_acknowledge``: redelivered after the subscriber's
               ``negative_ack_redelivery_delay``; past ``max_redeliveries`` the subscriber
               moves it to the dead-letter topic |
| ``reject`` | Pulsar has no reject. The message is dead-lettered at once: copied to the
               subscriber's dead-letter topic with the reason in its properties, then
               acknowledged. If the copy fails, it is nacked instead, so it is never lost. |

A dead-lettered copy keeps the original payload, key and properties and adds the ones
:class:`DeadLetterProperty` names (:data:`DEAD_LETTER_PROPERTIES`); :func:`original_properties`
takes them off again (to republish a dead letter where it came from).
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final, Protocol

from faststream.message import StreamMessage

if TYPE_CHECKING:
    from faststream_pulsar.subscriber.usecase import PulsarSubscriber

CORRELATION_ID = "correlation_id"
REPLY_TO = "reply_to"
CONTENT_TYPE = "content-type"
MESSAGE_ID = "message_id"


class DeadLetterProperty:
    """The names of the properties the subscriber adds to a dead-lettered copy."""

    REASON: Final = "dead_letter_reason"
    """Why the message was dead-lettered (the last error, or the handler's reason)."""
    MESSAGE_ID: Final = "dead_letter_message_id"
    """The Pulsar message id of the original message."""
    FIRST_FAILURE: Final = "dead_letter_first_failure"
    """When the message first failed: ISO 8601, UTC, milliseconds."""
    ATTEMPTS: Final = "dead_letter_attempts"
    """How many times it was tried before it was dead-lettered (a decimal integer)."""
    ORIGIN_TOPIC: Final = "origin_topic"
    """The topic the message was consumed from."""
    ORIGIN_SUBSCRIPTION: Final = "origin_subscription"
    """The subscription that failed to handle it."""


DEAD_LETTER_PROPERTIES = (
    DeadLetterProperty.REASON,
    DeadLetterProperty.MESSAGE_ID,
    DeadLetterProperty.FIRST_FAILURE,
    DeadLetterProperty.ATTEMPTS,
    DeadLetterProperty.ORIGIN_TOPIC,
    DeadLetterProperty.ORIGIN_SUBSCRIPTION,
)
"""The properties the subscriber adds to a dead-lettered copy."""

# The same names one by one, as this module exported them before ``DeadLetterProperty``.
DEAD_LETTER_REASON = DeadLetterProperty.REASON
DEAD_LETTER_MESSAGE_ID = DeadLetterProperty.MESSAGE_ID
DEAD_LETTER_FIRST_FAILURE = DeadLetterProperty.FIRST_FAILURE
DEAD_LETTER_ATTEMPTS = DeadLetterProperty.ATTEMPTS
ORIGIN_TOPIC = DeadLetterProperty.ORIGIN_TOPIC
ORIGIN_SUBSCRIPTION = DeadLetterProperty.ORIGIN_SUBSCRIPTION


def original_properties(dead_letter: dict[str, str]) -> dict[str, str]:
    """The properties a dead-lettered message had before it was dead-lettered.

    ``message_id`` is dropped too when the subscriber added it (the original had none and
    it holds the original's Pulsar id).
    """
    props = {k: v for k, v in dead_letter.items() if k not in DEAD_LETTER_PROPERTIES}
    pulsar_id = dead_letter.get(DeadLetterProperty.MESSAGE_ID)
    if pulsar_id is not None and props.get(MESSAGE_ID) == pulsar_id:
        del props[MESSAGE_ID]
    return props


def utc_now() -> datetime:
    return datetime.now(UTC)


class RawMessage(Protocol):
    """The part of ``pulsar.Message`` this package reads (the test broker fakes it)."""

    def data(self) -> bytes: ...
    def properties(self) -> dict[str, str]: ...
    def partition_key(self) -> str: ...
    def ordering_key(self) -> str: ...
    def message_id(self) -> Any: ...
    def redelivery_count(self) -> int: ...
    def topic_name(self) -> str: ...
    def publish_timestamp(self) -> int: ...


class PulsarMessage(StreamMessage[Any]):
    """A received Pulsar message; ``raw_message`` is the ``pulsar.Message``, and ``subscriber``
    the one that received it, which settles it (None: a reply to a request, which nothing settles)."""

    __slots__ = ("_delivered", "_subscriber", "error")

    def __init__(self, *args: Any, subscriber: PulsarSubscriber | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._subscriber = subscriber
        self.error: BaseException | None = None  # the handler's failure, if any
        self._delivered = time.time()

    @property
    def delivered_at(self) -> datetime:
        """When this delivery reached the subscriber."""
        return datetime.fromtimestamp(self._delivered, UTC)

    @property
    def key(self) -> str:
        """The partition key the message was published with ('' when none)."""
        return str(self.raw_message.partition_key())

    @property
    def topic(self) -> str:
        return str(self.raw_message.topic_name())

    @property
    def redelivery_count(self) -> int:
        """How many times the broker delivered this message before (0 the first time)."""
        return int(self.raw_message.redelivery_count())

    async def ack(self) -> None:
        if self.committed is None and self._subscriber is not None:
            await self._subscriber.ack(self.raw_message)
        await super().ack()

    async def nack(self) -> None:
        if self.committed is None and self._subscriber is not None:
            # FastStream nacks from inside the failed handler's exception handling
            error = self.error or sys.exc_info()[1]
            await self._subscriber.nack(self.raw_message, error, self.delivered_at)
        await super().nack()

    async def reject(
        self,
        reason: str = "rejected by handler",
        *,
        first_failure: datetime | None = None,
        attempts: int = 1,
    ) -> None:
        """Dead-letter the message now, with ``reason``.

        A handler that retried in place may say when its first attempt failed and how many
        attempts it made during this delivery; the dead-lettered copy then carries the
        earliest known failure and the attempts of every delivery added up.
        """
        if self.committed is None and self._subscriber is not None:
            await self._subscriber.dead_letter(
                self.raw_message,
                reason,
                first_failure=first_failure,
                attempts=attempts,
                delivered_at=self.delivered_at,
            )
        await super().reject()
