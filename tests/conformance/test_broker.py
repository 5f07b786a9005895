"""The broker's contract, run against every real broker (``broker_url`` is parametrized)."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import defaultdict
from datetime import timedelta
from typing import Any

import pulsar.asyncio
import pytest
from faststream import Context
from pydantic import BaseModel

from faststream_pulsar import (
    DeadLetterPolicy,
    PulsarBroker,
    PulsarMessage,
    PulsarRouter,
    SubscriptionType,
)
from tests.helpers import eventually, unique_topic

FAST_RETRY = timedelta(milliseconds=100)


class Pedido(BaseModel):
    id: int
    producto: str


async def test_subscriber_receives_decoded_model_with_headers_key_and_correlation_id(
    broker_url: str,
) -> None:
    topic = unique_topic("decode")
    broker = PulsarBroker(broker_url)
    seen: list[tuple[Pedido, PulsarMessage]] = []

    @broker.subscriber(topic, subscription="s", initial_position="Earliest")
    async def handle(pedido: Pedido, message: PulsarMessage = Context()) -> None:
        seen.append((pedido, message))

    async with broker:
        await broker.start()
        await broker.publish(
            Pedido(id=7, producto="zapatillas"),
            topic,
            key="pedido-7",
            headers={"origen": "web"},
            correlation_id="corr-1",
        )
        await eventually(lambda: seen, message="delivery")

    pedido, message = seen[0]
    assert pedido == Pedido(id=7, producto="zapatillas")
    assert message.headers["origen"] == "web"
    assert message.key == "pedido-7"
    assert message.correlation_id == "corr-1"


async def test_every_subscription_gets_every_message_and_shared_consumers_split_them(
    broker_url: str,
) -> None:
    topic = unique_topic("fanout")
    broker = PulsarBroker(broker_url)
    by_subscription: dict[str, list[int]] = defaultdict(list)
    by_worker: dict[str, list[int]] = defaultdict(list)

    @broker.subscriber(topic, subscription="auditoria", initial_position="Earliest")
    async def audit(n: int) -> None:
        by_subscription["auditoria"].append(n)

    def add_worker(worker: str) -> None:
        @broker.subscriber(
            topic,
            subscription="trabajo",
            subscription_type=SubscriptionType.SHARED,
            initial_position="Earliest",
            receiver_queue_size=1,
            consumer_name=f"w{worker}",
        )
        async def work(n: int) -> None:
            by_worker[worker].append(n)
            by_subscription["trabajo"].append(n)
            await asyncio.sleep(0.002)  # a real handler takes time; lets the other consumer in

    add_worker("a")
    add_worker("b")

    # A Shared subscription dispatches whole entries, and the producer batches concurrent
    # sends into one entry: on a slow machine a burst can become a single batch that only
    # one consumer gets. So publish in rounds, each handled in full before the next (both
    # consumers idle with permits again), until both consumers have had some messages.
    # ``broker.start()`` returns once every consumer is subscribed.
    async def publish_round(first: int, size: int = 20) -> int:
        last = first + size
        await asyncio.gather(*(broker.publish(n, topic) for n in range(first, last)))
        await eventually(
            lambda: (
                len(by_subscription["auditoria"]) >= last
                and len(by_subscription["trabajo"]) >= last
            ),
            message=f"both subscriptions got messages 0..{last - 1}",
        )
        return last

    sent, deadline = 0, time.monotonic() + 60
    async with broker:
        await broker.start()
        while sent < 200 or not (by_worker["a"] and by_worker["b"]):
            assert time.monotonic() < deadline, f"one consumer got all {sent} messages"
            sent = await publish_round(sent)

    assert sorted(by_subscription["auditoria"]) == list(range(sent))
    assert sorted(by_subscription["trabajo"]) == list(range(sent))
    assert by_worker["a"] and by_worker["b"], "one Shared subscription splits between consumers"
    assert not set(by_worker["a"]) & set(by_worker["b"])


@pytest.mark.parametrize(
    "subscription_type", [SubscriptionType.SHARED, SubscriptionType.KEY_SHARED]
)
async def test_workers_keep_each_keys_order(
    broker_url: str, subscription_type: SubscriptionType
) -> None:
    topic = unique_topic("order")
    broker = PulsarBroker(broker_url)
    seen: dict[str, list[int]] = defaultdict(list)
    running = 0
    peak = 0

    @broker.subscriber(
        topic,
        subscription="ordered",
        subscription_type=subscription_type,
        initial_position="Earliest",
        max_workers=4,
    )
    async def handle(body: dict[str, Any]) -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.001 * (body["seq"] % 3))  # uneven work must not reorder a key
        seen[body["key"]].append(body["seq"])
        running -= 1

    keys = [f"campana-{i}" for i in range(8)]
    per_key = 25
    async with broker:
        await broker.start()
        for seq in range(per_key):  # awaited one by one: the publish order is the truth
            await asyncio.gather(
                *(broker.publish({"key": k, "seq": seq}, topic, key=k) for k in keys)
            )
        await eventually(
            lambda: sum(map(len, seen.values())) == len(keys) * per_key, message="all handled"
        )

    for key in keys:
        assert seen[key] == list(range(per_key)), f"{key} out of order"
    assert peak > 1, "workers ran concurrently"


async def test_failing_handler_is_redelivered_then_dead_lettered_and_logged_per_attempt(
    broker_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    topic = unique_topic("poison")
    broker = PulsarBroker(broker_url, logger=logging.getLogger("test.poison"))
    attempts: list[int] = []

    @broker.subscriber(
        topic,
        subscription="s",
        initial_position="Earliest",
        nack_delay=FAST_RETRY,
        dead_letter=DeadLetterPolicy(max_redeliveries=2),
    )
    async def handle(n: int, message: PulsarMessage = Context()) -> None:
        attempts.append(message.redelivery_count)
        if n == 13:
            raise RuntimeError("mala suerte")

    dlq = broker.subscriber(f"{topic}-s-DLQ", subscription="inspect", initial_position="Earliest")

    caplog.set_level(logging.INFO)
    async with broker:
        await broker.start()
        await broker.publish(13, topic)
        dead = await dlq.get_one(timeout=30)
        assert dead is not None, "the poison message reached the dead-letter topic"
        assert await dead.decode() == 13
        assert "mala suerte" in dead.headers["dead_letter_reason"]
        assert dead.headers["origin_topic"] == topic
        await dead.ack()
        # the subscriber still works afterwards
        await broker.publish(14, topic)
        await eventually(lambda: len(attempts) == 4, message="next message handled")

    assert attempts == [0, 1, 2, 0], "first delivery + 2 redeliveries, then the next message"
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    failures = [r for r in errors if r.getMessage() == "RuntimeError: mala suerte"]
    assert len(failures) == 3, "the failure is logged once per attempt"
    assert [r for r in errors if r.getMessage().startswith("dead-lettered")], (
        "and once more when dead-lettered"
    )


class StrictJsonCodec:
    """A codec that refuses anything that is not a JSON object (like an Avro codec would)."""

    async def decode(self, msg: Any) -> Any:
        body = json.loads(msg.body)
        if not isinstance(body, dict):
            raise ValueError("not an object")
        return body

    async def encode(self, msg: Any, serializer: Any = None) -> tuple[bytes, str | None]:
        return json.dumps(msg).encode(), "application/json"


async def send_raw(broker_url: str, topic: str, payload: bytes) -> None:
    """Publish bytes as another client would, bypassing the broker's codec."""
    client = pulsar.asyncio.Client(broker_url)
    try:
        producer = await client.create_producer(topic)
        await producer.send(payload)
        await producer.close()
    finally:
        await client.close()


async def test_undecodable_payload_is_dead_lettered_and_consumption_continues(
    broker_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    topic = unique_topic("garbage")
    broker = PulsarBroker(broker_url, codec=StrictJsonCodec())
    handled: list[dict[str, Any]] = []

    @broker.subscriber(topic, subscription="s", initial_position="Earliest")
    async def handle(body: dict[str, Any]) -> None:
        handled.append(body)

    dlq = broker.subscriber(f"{topic}-s-DLQ", subscription="inspect", initial_position="Earliest")

    caplog.set_level(logging.WARNING)
    async with broker:
        await broker.start()
        await send_raw(broker_url, topic, b"\x00\xff garbage")
        await broker.publish({"ok": 1}, topic)
        dead = await dlq.get_one(timeout=20)
        assert dead is not None
        assert dead.body == b"\x00\xff garbage"
        assert "undecodable payload" in dead.headers["dead_letter_reason"]
        await eventually(lambda: handled == [{"ok": 1}], message="next message handled")

    lines = [r for r in caplog.records if "undecodable payload" in r.getMessage()]
    assert lines, "a clear log line names the undecodable message"


async def test_stop_lets_in_flight_handlers_finish_and_loses_nothing(broker_url: str) -> None:
    topic = unique_topic("graceful")
    total = 30
    handled: list[int] = []
    started = asyncio.Event()
    release = asyncio.Event()

    def make_broker(slow: bool) -> PulsarBroker:
        broker = PulsarBroker(broker_url, graceful_timeout=10)

        @broker.subscriber(topic, subscription="s", initial_position="Earliest", max_workers=3)
        async def handle(n: int) -> None:
            if slow:
                started.set()
                await release.wait()
            handled.append(n)

        return broker

    first = make_broker(slow=True)
    await first.start()
    for n in range(total):
        await first.publish(n, topic)
    await asyncio.wait_for(started.wait(), 20)
    stopping = asyncio.create_task(first.stop())
    done, _ = await asyncio.wait({stopping}, timeout=0.5)
    assert not done, "stop waits for the in-flight handlers"
    release.set()
    await asyncio.wait_for(stopping, 20)
    finished_before_restart = list(handled)
    assert finished_before_restart, "in-flight handlers completed within the graceful timeout"

    second = make_broker(slow=False)
    async with second:
        await second.start()
        await eventually(lambda: set(handled) == set(range(total)), message="no message lost")


async def test_request_reply(broker_url: str) -> None:
    topic = unique_topic("rpc")
    broker = PulsarBroker(broker_url)

    @broker.subscriber(topic, subscription="s", initial_position="Earliest")
    async def double(n: int) -> int:
        return n * 2

    async with broker:
        await broker.start()
        reply = await broker.request(21, topic, timeout=20)
        assert await reply.decode() == 42


async def test_router_prefix_and_publisher_decorator(broker_url: str) -> None:
    base = unique_topic("router")
    router = PulsarRouter(prefix=base)
    broker = PulsarBroker(broker_url)
    results: list[str] = []

    @router.subscriber("-in", subscription="s", initial_position="Earliest")
    @router.publisher("-out")
    async def shout(text: str) -> str:
        return text.upper()

    @broker.subscriber(f"{base}-out", subscription="s", initial_position="Earliest")
    async def collect(text: str) -> None:
        results.append(text)

    broker.include_router(router)
    async with broker:
        await broker.start()
        await broker.publish("hola", f"{base}-in")
        await eventually(lambda: results == ["HOLA"], message="decorated publisher")


async def test_a_subscriber_without_handler_can_be_iterated(broker_url: str) -> None:
    topic = unique_topic("iterate")
    broker = PulsarBroker(broker_url)
    subscriber = broker.subscriber(topic, subscription="s", initial_position="Earliest")
    async with broker:
        await broker.start()
        for n in range(3):
            await broker.publish(n, topic, key="k")
        got = []
        async for message in subscriber:
            got.append(await message.decode())
            await message.ack()
            if len(got) == 3:
                break
    assert got == [0, 1, 2]
