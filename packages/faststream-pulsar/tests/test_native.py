"""``faststream_pulsar._native``: the private pulsar-client attributes, checked on the real
classes of the installed pulsar-client (a real ``pulsar.asyncio.Consumer`` and
``pulsar.Message`` around a stand-in for the C extension's consumer; no broker)."""

from __future__ import annotations

from typing import Any

import _pulsar
import pulsar
import pulsar.asyncio
import pytest
from pulsar.schema import BytesSchema

from faststream_pulsar._native import (
    ENV_VAR,
    FEATURES,
    ConsumerCalls,
    NativeApiChanged,
    native_features,
)


def native_message(payload: bytes, **properties: str) -> Any:
    builder = _pulsar.MessageBuilder()
    builder.content(payload)
    for key, value in properties.items():
        builder.property(key, value)
    return builder.build()


class NativeConsumer:
    """Stands in for ``_pulsar.Consumer``: a queue of messages and the acks it got."""

    def __init__(self, *messages: Any) -> None:
        self.queue = list(messages)
        self.timeouts: list[int] = []
        self.acked: list[Any] = []

    def receive(self, timeout_millis: int) -> Any:
        self.timeouts.append(timeout_millis)
        if not self.queue:
            raise pulsar.Timeout("nothing ready")
        return self.queue.pop(0)

    def acknowledge(self, message: Any) -> None:
        self.acked.append(message)


def consumer(native: Any) -> pulsar.asyncio.Consumer:
    return pulsar.asyncio.Consumer(native, BytesSchema())


async def test_a_ready_message_is_a_real_pulsar_message_and_nothing_ready_is_none() -> None:
    native = NativeConsumer(native_message(b"payload", k="v"))
    calls = ConsumerCalls(consumer(native), FEATURES)

    message = calls.take_ready()

    assert isinstance(message, pulsar.Message)
    assert message.data() == b"payload"
    assert message.value() == b"payload"  # the consumer's schema came along
    assert message.properties() == {"k": "v"}
    assert calls.take_ready() is None
    assert native.timeouts == [0, 0]  # never waits


async def test_an_ack_goes_to_the_native_consumer_by_message_id_without_waiting() -> None:
    native = NativeConsumer(native_message(b"payload"))
    calls = ConsumerCalls(consumer(native), FEATURES)
    message = calls.take_ready()
    assert message is not None

    await calls.acknowledge(message)

    [acked] = native.acked
    assert isinstance(acked, _pulsar.MessageId)
    assert str(acked) == str(message.message_id())


async def test_without_native_calls_only_the_public_api_is_used() -> None:
    public = consumer(object())  # no receive, no acknowledge: nothing native is touched
    calls = ConsumerCalls(public, frozenset())

    assert calls.take_ready() is None
    assert calls.acknowledge == public.acknowledge


async def test_native_receive_alone_leaves_the_ack_public() -> None:
    native = NativeConsumer()
    public = consumer(native)
    calls = ConsumerCalls(public, frozenset({"receive"}))

    assert calls.take_ready() is None
    assert calls.acknowledge == public.acknowledge


class NoAcknowledge:
    def receive(self, timeout_millis: int) -> Any: ...


@pytest.mark.parametrize(
    ("wrapped", "missing"),
    [
        (object(), "_consumer.receive"),
        (NoAcknowledge(), "_consumer.acknowledge"),
    ],
)
def test_a_changed_consumer_fails_clearly(wrapped: Any, missing: str) -> None:
    with pytest.raises(NativeApiChanged, match=missing) as failure:
        ConsumerCalls(consumer(wrapped), FEATURES)
    assert pulsar.__version__ in str(failure.value)
    assert f"{ENV_VAR}=none" in str(failure.value)


def test_a_consumer_without_its_schema_fails_clearly() -> None:
    public = consumer(NativeConsumer())
    del public._schema
    with pytest.raises(NativeApiChanged, match="_schema"):
        ConsumerCalls(public, FEATURES)


def test_a_message_that_no_longer_wraps_message_fails_clearly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pulsar.Message, "data", lambda self: self._impl.data())
    with pytest.raises(NativeApiChanged, match="_message"):
        ConsumerCalls(consumer(NativeConsumer()), FEATURES)


def test_features_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert native_features() == FEATURES
    monkeypatch.setenv(ENV_VAR, "none")
    assert native_features() == frozenset()
    monkeypatch.setenv(ENV_VAR, "")
    assert native_features() == frozenset()
    monkeypatch.setenv(ENV_VAR, " Ack ")
    assert native_features() == {"ack"}
    monkeypatch.setenv(ENV_VAR, "receive,ack")
    assert native_features() == FEATURES
    monkeypatch.setenv(ENV_VAR, "all")
    assert native_features() == FEATURES
    monkeypatch.setenv(ENV_VAR, "nack")
    with pytest.raises(ValueError, match="nack"):
        native_features()


class ClosableNative:
    """A native consumer pulsar-client can close, and nothing else."""

    closed = False

    def close_async(self, callback: Any) -> None:
        self.closed = True
        callback(_pulsar.Result.Ok)


class OneConsumerClient:
    def __init__(self, native: Any) -> None:
        self.native = native

    async def subscribe(self, *args: Any, **kwargs: Any) -> pulsar.asyncio.Consumer:
        return consumer(self.native)


async def test_a_subscriber_closes_the_consumer_it_cannot_use(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from faststream_pulsar import PulsarBroker

    monkeypatch.delenv(ENV_VAR, raising=False)
    broker = PulsarBroker()
    subscriber = broker.subscriber("orders", subscription="s")
    native = ClosableNative()
    broker.config.broker_config._client = OneConsumerClient(native)

    with pytest.raises(NativeApiChanged):
        await subscriber._subscribe()

    assert native.closed
    assert subscriber._consumer is None
