"""Parsing: a raw Pulsar message into a :class:`PulsarMessage`, and decoding its body."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from faststream.exceptions import RejectMessage
from faststream.message import StreamMessage, decode_message

from .message import (
    CONTENT_TYPE,
    CORRELATION_ID,
    MESSAGE_ID,
    REPLY_TO,
    DeadLetterProperty,
    PulsarMessage,
    RawMessage,
)

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from faststream._internal.basic_types import DecodedMessage

    from .subscriber.usecase import PulsarSubscriber

logger = logging.getLogger("faststream_pulsar")


class PulsarParser:
    """Turns a raw message into a :class:`PulsarMessage` bound to its subscriber."""

    __slots__ = ("_subscriber",)

    def __init__(self, subscriber: PulsarSubscriber | None) -> None:
        self._subscriber = subscriber

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
            subscriber=self._subscriber,
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
            msg.headers[DeadLetterProperty.REASON] = reason
            raise RejectMessage(reason=reason) from exc

    return decode
