"""Sends messages: one cached ``pulsar.asyncio.Producer`` per topic."""

from __future__ import annotations

import asyncio
import uuid
from typing import TYPE_CHECKING, Any

import pulsar
from faststream._internal.parser import DefaultCodec
from faststream._internal.producer import ProducerProto
from faststream.exceptions import FeatureNotSupportedException, IncorrectState
from typing_extensions import override

from faststream_pulsar.message import CONTENT_TYPE, CORRELATION_ID, MESSAGE_ID, REPLY_TO
from faststream_pulsar.parser import PulsarParser

if TYPE_CHECKING:
    import pulsar.asyncio
    from fast_depends.library.serializer import SerializerProto
    from faststream._internal.basic_types import SendableMessage
    from faststream._internal.parser import CodecProto

    from faststream_pulsar.response import PulsarPublishCommand


async def encode_body(
    codec: CodecProto,
    body: SendableMessage,
    serializer: SerializerProto | None,
) -> tuple[bytes, dict[str, str]]:
    """Encode a body with a codec; a codec may add properties (a schema id, say).

    FastStream's ``CodecProto.encode`` returns ``(bytes, content_type)``. A codec for
    this broker may instead define ``encode_with_properties(body, serializer)``
    returning ``(bytes, properties)``, and it is preferred when present.
    """
    with_props = getattr(codec, "encode_with_properties", None)
    if with_props is not None:
        payload, props = await with_props(body, serializer)
        return payload, dict(props)
    payload, content_type = await codec.encode(body, serializer)
    return payload, ({CONTENT_TYPE: content_type} if content_type else {})


def build_properties(cmd: PulsarPublishCommand, encoded: dict[str, str]) -> dict[str, str]:
    props = encoded
    if cmd.headers:
        props.update((k, str(v)) for k, v in cmd.headers.items())
    if cmd.correlation_id:
        props[CORRELATION_ID] = cmd.correlation_id
    if cmd.reply_to:
        props[REPLY_TO] = cmd.reply_to
    if cmd.message_id:
        props[MESSAGE_ID] = cmd.message_id
    return props


class PulsarProducer(ProducerProto["PulsarPublishCommand"]):
    """Creates producers lazily, one per topic, and keeps them until ``disconnect``."""

    __slots__ = (
        "_client",
        "_creating",
        "_decoder",
        "_options",
        "_parser",
        "_producers",
        "codec",
        "serializer",
    )

    def __init__(self, producer_options: dict[str, Any]) -> None:
        self._options = producer_options
        self._client: pulsar.asyncio.Client | None = None
        self._producers: dict[str, pulsar.asyncio.Producer] = {}
        self._creating: dict[str, asyncio.Future[pulsar.asyncio.Producer]] = {}
        self.serializer: SerializerProto | None = None
        self.codec: CodecProto = DefaultCodec()
        parser = PulsarParser(None)
        self._parser = parser.parse_message
        self._decoder = parser.decode_message

    def connect(
        self,
        client: pulsar.asyncio.Client,
        serializer: SerializerProto | None,
        codec: CodecProto | None,
    ) -> None:
        self._client = client
        self.serializer = serializer
        self.codec = codec or DefaultCodec()

    async def disconnect(self) -> None:
        producers, self._producers = self._producers, {}
        self._creating.clear()
        for producer in producers.values():
            try:
                await producer.flush()
                await producer.close()
            except Exception:  # the client is closing anyway
                continue
        self._client = None

    async def producer_for(self, topic: str) -> pulsar.asyncio.Producer:
        producer = self._producers.get(topic)
        if producer is not None:
            return producer
        pending = self._creating.get(topic)
        if pending is None:
            if self._client is None:
                msg = "The Pulsar broker is not connected: call `await broker.start()` first."
                raise IncorrectState(msg)
            pending = asyncio.ensure_future(self._client.create_producer(topic, **self._options))
            self._creating[topic] = pending
            try:
                producer = await pending
            finally:
                self._creating.pop(topic, None)
            self._producers[topic] = producer
            return producer
        return await asyncio.shield(pending)

    @override
    async def publish(self, cmd: PulsarPublishCommand) -> Any:
        payload, encoded = await encode_body(self.codec, cmd.body, self.serializer)
        props = build_properties(cmd, encoded)
        producer = self._producers.get(cmd.destination) or await self.producer_for(cmd.destination)
        return await producer.send(
            payload,
            properties=props,
            partition_key=cmd.key,
            ordering_key=cmd.ordering_key,
            event_timestamp=cmd.event_timestamp,
            deliver_after=cmd.deliver_after,
        )

    @override
    async def request(self, cmd: PulsarPublishCommand) -> Any:
        """Publish, then wait for the reply on a private topic named in ``reply_to``."""
        if self._client is None:
            msg = "The Pulsar broker is not connected: call `await broker.start()` first."
            raise IncorrectState(msg)
        cmd.reply_to = f"{cmd.destination}-reply-{uuid.uuid4().hex}"
        consumer = await self._client.subscribe(
            cmd.reply_to, "reply", consumer_type=pulsar.ConsumerType.Exclusive
        )
        try:
            await self.publish(cmd)
            reply = asyncio.ensure_future(consumer.receive())
            done, _ = await asyncio.wait({reply}, timeout=cmd.timeout)
            if not done:
                reply.add_done_callback(swallow)
                msg = f"no reply on {cmd.reply_to} within {cmd.timeout} s"
                raise TimeoutError(msg)
            raw = reply.result()
            await consumer.acknowledge(raw)
            return raw
        finally:
            await consumer.close()

    @override
    async def publish_batch(self, cmd: PulsarPublishCommand) -> Any:
        msg = "Publish messages one by one: the producer batches them on the wire."
        raise FeatureNotSupportedException(msg)


def swallow(future: asyncio.Future[Any]) -> None:
    """Retrieve a late future's outcome so asyncio does not log it as lost."""
    if not future.cancelled():
        future.exception()
