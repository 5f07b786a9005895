"""Publishers: ``broker.publisher(topic)`` objects and the reply publisher."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from faststream._internal.configs import PublisherSpecificationConfig, PublisherUsecaseConfig
from faststream._internal.endpoint.publisher import PublisherSpecification, PublisherUsecase
from faststream._internal.endpoint.publisher.fake import FakePublisher
from faststream.response.publish_type import PublishType
from faststream.specification.asyncapi.utils import resolve_payloads
from faststream.specification.schema import Message, Operation, PublisherSpec
from typing_extensions import override

from .response import PulsarPublishCommand

if TYPE_CHECKING:
    from collections.abc import Iterable

    from faststream._internal.basic_types import SendableMessage
    from faststream._internal.producer import ProducerProto
    from faststream._internal.types import PublisherMiddleware
    from faststream.response.response import PublishCommand

    from .config import PulsarBrokerConfig


@dataclass(kw_only=True)
class PulsarPublisherSpecificationConfig(PublisherSpecificationConfig):
    topic: str


@dataclass(kw_only=True)
class PulsarPublisherConfig(PublisherUsecaseConfig):
    _outer_config: PulsarBrokerConfig = field()
    topic: str
    headers: dict[str, str] | None = None


class PulsarPublisherSpecification(
    PublisherSpecification["PulsarBrokerConfig", PulsarPublisherSpecificationConfig],
):
    __slots__ = ()

    @property
    def topic(self) -> str:
        return f"{self._outer_config.prefix}{self.config.topic}"

    @property
    def name(self) -> str:
        return self.config.title_ or f"{self.topic}:Publisher"

    def get_schema(self) -> dict[str, PublisherSpec]:
        payloads = self.get_payloads()
        return {
            self.name: PublisherSpec(
                address=self.topic,
                description=self.config.description_,
                operation=Operation(
                    message=Message(
                        title=f"{self.name}:Message",
                        payload=resolve_payloads(payloads, "Publisher"),
                    ),
                    bindings=None,
                ),
                bindings=None,
            ),
        }


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


class PulsarFakePublisher(FakePublisher):
    """Publishes a handler's reply to the message's ``reply_to`` topic."""

    __slots__ = ("topic",)

    def __init__(self, producer: ProducerProto[Any], topic: str) -> None:
        super().__init__(producer=producer)
        self.topic = topic

    def patch_command(self, cmd: PublishCommand) -> PulsarPublishCommand:
        cmd = super().patch_command(cmd)
        pulsar_cmd = PulsarPublishCommand.from_cmd(cmd)
        pulsar_cmd.destination = self.topic
        return pulsar_cmd
