"""The publisher of a handler's reply, to the ``reply_to`` topic of the message it got."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from faststream._internal.endpoint.publisher.fake import FakePublisher

from faststream_pulsar.response import PulsarPublishCommand

if TYPE_CHECKING:
    from faststream._internal.producer import ProducerProto
    from faststream.response.response import PublishCommand


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
