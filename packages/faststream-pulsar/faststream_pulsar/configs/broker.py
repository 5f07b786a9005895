"""The broker's configuration object, shared by its subscribers and publishers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from faststream._internal.configs import BrokerConfig
from faststream._internal.parser import DefaultCodec
from faststream.exceptions import IncorrectState

from faststream_pulsar.publisher.producer import PulsarProducer

if TYPE_CHECKING:
    import pulsar.asyncio


@dataclass(kw_only=True)
class PulsarBrokerConfig(BrokerConfig):
    producer: PulsarProducer = field(default_factory=lambda: PulsarProducer({}))
    _client: pulsar.asyncio.Client | None = field(default=None, init=False, repr=False)

    @property
    def client(self) -> pulsar.asyncio.Client:
        if self._client is None:
            msg = "The Pulsar broker is not connected: call `await broker.start()` first."
            raise IncorrectState(msg)
        return self._client

    def connect(self, client: Any) -> None:
        self._client = client
        self.producer.connect(
            client, self.fd_config._serializer, self.broker_codec or DefaultCodec()
        )

    async def disconnect(self) -> None:
        self._client = None
        await self.producer.disconnect()
