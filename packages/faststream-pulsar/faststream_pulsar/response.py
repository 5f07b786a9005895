"""Publish commands and handler responses carrying Pulsar's message fields."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from faststream.response.publish_type import PublishType
from faststream.response.response import PublishCommand, Response
from typing_extensions import override

if TYPE_CHECKING:
    from faststream._internal.basic_types import SendableMessage


class PulsarPublishCommand(PublishCommand):
    """One message to send: FastStream's command plus Pulsar's routing fields."""

    def __init__(
        self,
        message: SendableMessage,
        *,
        topic: str = "",
        key: str | None = None,
        ordering_key: str | None = None,
        correlation_id: str | None = None,
        message_id: str | None = None,
        headers: dict[str, Any] | None = None,
        reply_to: str = "",
        event_timestamp: int | None = None,
        deliver_after: timedelta | None = None,
        timeout: float | None = 30.0,
        _publish_type: PublishType = PublishType.PUBLISH,
    ) -> None:
        super().__init__(
            body=message,
            destination=topic,
            correlation_id=correlation_id,
            headers=headers,
            reply_to=reply_to,
            _publish_type=_publish_type,
        )
        self.key = key
        self.ordering_key = ordering_key
        self.message_id = message_id
        self.event_timestamp = event_timestamp
        self.deliver_after = deliver_after
        self.timeout = timeout

    @classmethod
    def from_cmd(cls, cmd: PublishCommand) -> PulsarPublishCommand:
        if isinstance(cmd, PulsarPublishCommand):
            return cmd
        return cls(
            cmd.body,
            topic=cmd.destination,
            correlation_id=cmd.correlation_id,
            headers=cmd.headers,
            reply_to=cmd.reply_to,
            timeout=getattr(cmd, "timeout", None),
            _publish_type=cmd.publish_type,
        )

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(topic={self.destination!r}, key={self.key!r}, "
            f"correlation_id={self.correlation_id!r}, headers={self.headers!r})"
        )


class PulsarResponse(Response):
    """What a handler may return to set the key or headers of its reply."""

    def __init__(
        self,
        body: SendableMessage,
        *,
        key: str | None = None,
        headers: dict[str, Any] | None = None,
        correlation_id: str | None = None,
        message_id: str | None = None,
    ) -> None:
        super().__init__(body=body, headers=headers, correlation_id=correlation_id)
        self.key = key
        self.message_id = message_id

    @override
    def as_publish_command(self) -> PulsarPublishCommand:
        return PulsarPublishCommand(
            self.body,
            key=self.key,
            headers=self.headers,
            correlation_id=self.correlation_id,
            message_id=self.message_id,
            _publish_type=PublishType.PUBLISH,
        )
