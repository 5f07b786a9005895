"""``TestPulsarBroker``: the broker in memory, with Pulsar's subscription semantics.

Every subscription of a topic gets its own copy of each message; the subscribers
that share one subscription take turns. Redelivery, ordering and dead-lettering need a
real broker: the conformance suite runs those.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast
from unittest.mock import MagicMock

from faststream._internal.parser import DefaultCodec
from faststream._internal.testing.broker import TestBroker, change_producer
from faststream.exceptions import SubscriberNotFound
from typing_extensions import override

from .broker import PulsarBroker
from .publisher.producer import PulsarProducer, build_properties, encode_body

if TYPE_CHECKING:
    from .publisher import PulsarPublisher
    from .response import PulsarPublishCommand
    from .subscriber import PulsarSubscriber

__all__ = ("TestPulsarBroker",)

_ids = itertools.count()


class FakeRawMessage:
    """Stands in for ``pulsar.Message``."""

    def __init__(
        self, topic: str, data: bytes, properties: dict[str, str], key: str | None
    ) -> None:
        self._topic = topic
        self._data = data
        self._properties = properties
        self._key = key or ""
        self._id = f"(0,{next(_ids)},-1,-1)"
        self._time = int(time.time() * 1000)

    def data(self) -> bytes:
        return self._data

    def properties(self) -> dict[str, str]:
        return self._properties

    def partition_key(self) -> str:
        return self._key

    def ordering_key(self) -> str:
        return ""

    def message_id(self) -> str:
        return self._id

    def redelivery_count(self) -> int:
        return 0

    def topic_name(self) -> str:
        return self._topic

    def publish_timestamp(self) -> int:
        return self._time


class TestPulsarBroker(TestBroker[PulsarBroker], broker=PulsarBroker):
    """``async with TestPulsarBroker(broker) as br: await br.publish(...)``."""

    @override
    def create_publisher_fake_subscriber(
        self, broker: PulsarBroker, publisher: PulsarPublisher
    ) -> tuple[PulsarSubscriber, bool]:
        for sub in cast("list[PulsarSubscriber]", broker.subscribers):
            if sub.topic == publisher.topic:
                return sub, True
        fake = broker.subscriber(publisher.topic, subscription="__test__", persistent=False)
        return fake, False

    @contextmanager
    def _patch_producer(self, broker: PulsarBroker) -> Generator[None, None, None]:
        with change_producer(broker.config.broker_config, FakeProducer(broker)):
            yield

    @override
    async def _fake_connect(self, broker: PulsarBroker, *args: Any, **kwargs: Any) -> None:
        broker.config.broker_config._client = MagicMock()


class FakeProducer(PulsarProducer):
    """Delivers in memory: one copy per subscription, round robin inside one."""

    def __init__(self, broker: PulsarBroker) -> None:
        super().__init__({})
        self.broker = broker
        self.codec = broker.config.broker_codec or DefaultCodec()
        self.serializer = broker.config.fd_config._serializer
        self._turns: dict[tuple[str, str], Iterator[int]] = {}

    def _targets(self, topic: str) -> list[PulsarSubscriber]:
        groups: dict[str, list[PulsarSubscriber]] = {}
        for sub in cast("list[PulsarSubscriber]", self.broker.subscribers):
            if sub.topic == topic:
                groups.setdefault(sub.subscription, []).append(sub)
        chosen = []
        for subscription, members in groups.items():
            turn = self._turns.setdefault((topic, subscription), itertools.count())
            chosen.append(members[next(turn) % len(members)])
        return chosen

    async def _build(self, cmd: PulsarPublishCommand) -> FakeRawMessage:
        payload, encoded = await encode_body(self.codec, cmd.body, self.serializer)
        return FakeRawMessage(cmd.destination, payload, build_properties(cmd, encoded), cmd.key)

    @override
    async def publish(self, cmd: PulsarPublishCommand) -> Any:
        raw = await self._build(cmd)
        for sub in self._targets(cmd.destination):
            await sub.process_message(raw)
        return raw.message_id()

    @override
    async def request(self, cmd: PulsarPublishCommand) -> Any:
        raw = await self._build(cmd)
        for sub in self._targets(cmd.destination):
            result = await sub.process_message(raw)
            reply = cmd.__class__(
                result.body,
                topic=cmd.destination,
                headers=result.headers,
                correlation_id=result.correlation_id,
            )
            return await self._build(reply)
        raise SubscriberNotFound
