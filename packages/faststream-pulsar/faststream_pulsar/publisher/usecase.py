"""Publishers: ``broker.publisher(topic)`` objects."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from faststream._internal.endpoint.publisher import PublisherUsecase
from faststream.response.publish_type import PublishType
from typing_extensions import override

from faststream_pulsar.response import PulsarPublishCommand

if TYPE_CHECKING:
    from collections.abc import Iterable

    from faststream._internal.basic_types import SendableMessage
    from faststream._internal.types import PublisherMiddleware
    from faststream.response.response import PublishCommand

    from faststream_pulsar.configs import PulsarBrokerConfig

    from .config import PulsarPublisherConfig
    from .specification import PulsarPublisherSpecification


class PulsarPublisher(PublisherUsecase):
    """Publishes to one topic; also decorates handlers to publish what they return."""

    _outer_config: PulsarBrokerConfig

    def __init__(
        self,
        config: PulsarPublisherConfig,
        specification: PulsarPublisherSpecification,
    ) -> None:
        super().__init__(config, specification)  # type: ignore[arg-type]
        self._topic = config.topic
        self.headers = config.headers or {}

    @property
    def topic(self) -> str:
        return f"{self._outer_config.prefix}{self._topic}"

    @override
    async def publish(
        self,
        message: SendableMessage = None,
        topic: str = "",
        *,
        key: str | None = None,
        headers: dict[str, str] | None = None,
        correlation_id: str | None = None,
        message_id: str | None = None,
    ) -> Any:
        cmd = PulsarPublishCommand(
            message,
            topic=topic or self.topic,
            key=key,
            headers=self.headers | (headers or {}),
            correlation_id=correlation_id or self._outer_config.id_generator(),
            message_id=message_id,
            _publish_type=PublishType.PUBLISH,
        )
        return await self._basic_publish(
            cmd, producer=self._outer_config.producer, _extra_middlewares=()
        )

    @override
    async def _publish(
        self,
        cmd: PublishCommand,
        *,
        _extra_middlewares: Iterable[PublisherMiddleware],
    ) -> None:
        """Publish a handler's result (called from the subscriber)."""
        pulsar_cmd = PulsarPublishCommand.from_cmd(cmd)
        pulsar_cmd.destination = pulsar_cmd.destination or self.topic
        pulsar_cmd.add_headers(self.headers, override=False)
        await self._basic_publish(
            pulsar_cmd,
            producer=self._outer_config.producer,
            _extra_middlewares=_extra_middlewares,
        )

    @override
    async def request(self, message: SendableMessage, topic: str = "", **kwargs: Any) -> Any:
        broker = self._outer_config.extra_context["broker"]
        return await broker.request(message, topic or self.topic, **kwargs)
