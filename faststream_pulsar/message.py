"""Pulsar messages as FastStream sees them, and how acknowledgement maps onto Pulsar.

| FastStream | Pulsar |
|---|---|
| ``ack``    | ``acknowledge``: the subscription is done with the message |
| ``nack``   | ``negative_acknowledge``: redelivered after the subscriber's
               ``negative_ack_redelivery_delay``; past ``max_redeliveries`` the client
               moves it to the dead-letter topic |
| ``reject`` | Pulsar has no reject. The message is dead-lettered at once: copied to the
               subscriber's dead-letter topic with the reason in its properties, then
               acknowledged. If the copy fails, it is nacked instead, so it is never lost. |
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Any, Protocol

from faststream.message import StreamMessage, decode_message

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from faststream._internal.basic_types import DecodedMessage

CORRELATION_ID = "correlation_id"
REPLY_TO = "reply_to"
CONTENT_TYPE = "content-type"
MESSAGE_ID = "message_id"
DEAD_LETTER_REASON = "dead_letter_reason"

logger = logging.getLogger("faststream_pulsar")


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


class Acknowledger(Protocol):
    """What a subscriber does with a message when FastStream settles it."""

    async def ack(self, raw: Any) -> None: ...
    async def nack(self, raw: Any, error: BaseException | None = None) -> None: ...
    async def dead_letter(self, raw: Any, reason: str) -> None: ...


class PulsarMessage(StreamMessage[Any]):
    """A received Pulsar message; ``raw_message`` is the ``pulsar.Message``."""

    __slots__ = ("_acknowledger", "error")

    def __init__(self, *args: Any, acknowledger: Acknowledger | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._acknowledger = acknowledger
        self.error: BaseException | None = None  # the handler's failure, if any

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
        if self.committed is None and self._acknowledger is not None:
            await self._acknowledger.ack(self.raw_message)
        await super().ack()

    async def nack(self) -> None:
        if self.committed is None and self._acknowledger is not None:
            # FastStream nacks from inside the failed handler's exception handling
            error = self.error or sys.exc_info()[1]
            await self._acknowledger.nack(self.raw_message, error)
        await super().nack()

    async def reject(self, reason: str = "rejected by handler") -> None:
        if self.committed is None and self._acknowledger is not None:
            await self._acknowledger.dead_letter(self.raw_message, reason)
        await super().reject()


class PulsarParser:
    """Turns a raw message into a :class:`PulsarMessage` bound to its subscriber."""

    __slots__ = ("_acknowledger",)

    def __init__(self, acknowledger: Acknowledger | None) -> None:
        self._acknowledger = acknowledger

    async def parse_message(self, raw: RawMessage) -> PulsarMessage:
        props = raw.properties()
        return PulsarMessage(
            raw,
            raw.data(),
            headers=props,
            reply_to=props.get(REPLY_TO, ""),
            content_type=props.get(CONTENT_TYPE),
            correlation_id=props.get(CORRELATION_ID),
            message_id=props.get(MESSAGE_ID) or str(raw.message_id()),
            acknowledger=self._acknowledger,
        )

    @staticmethod
    async def decode_message(msg: StreamMessage[Any]) -> DecodedMessage:
        return decode_message(msg)


def guard_decoder(
    decoder: Callable[[StreamMessage[Any]], Awaitable[Any]],
) -> Callable[[StreamMessage[Any]], Awaitable[Any]]:
    """Wrap a decoder so an undecodable payload is dead-lettered, not retried forever.

    Garbage bytes or an unknown schema will fail the same way on every redelivery, so
    the message is rejected (dead-lettered) with one clear log line.
    """
    from faststream.exceptions import RejectMessage

    async def decode(msg: StreamMessage[Any]) -> Any:
        try:
            return await decoder(msg)
        except Exception as exc:
            reason = f"undecodable payload: {type(exc).__name__}: {exc}"
            logger.warning(
                "dead-lettering message %s from %s: %s",
                msg.message_id,
                getattr(msg, "topic", "?"),
                reason,
            )
            msg.headers[DEAD_LETTER_REASON] = reason
            raise RejectMessage(reason=reason) from exc

    return decode
