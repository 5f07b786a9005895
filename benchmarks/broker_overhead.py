"""Broker overhead: ``PulsarBroker`` against a minimal raw ``pulsar-client`` asyncio loop.

Same broker (a fresh pulsar-lite), same process, same payloads, rounds interleaved so
machine noise hits both; prints the median of each and the ratio (target >= 0.8).

    python -m benchmarks.broker_overhead [--messages 20000] [--rounds 5] [--in-flight 200]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import pulsar
import pulsar.asyncio

from alpes.infra import PulsarLite
from faststream_pulsar import DEFAULT_PRODUCER_OPTIONS, PulsarBroker

PAYLOAD = b"x" * 200


def new_topic(kind: str) -> str:
    return f"persistent://public/default/bench-{kind}-{uuid.uuid4().hex[:8]}"


async def send_all(send, messages: int, in_flight: int) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    for offset in range(0, messages, in_flight):
        await asyncio.gather(*(send() for _ in range(min(in_flight, messages - offset))))
    return messages / (time.perf_counter() - start)


async def raw_publish(url: str, messages: int, in_flight: int) -> float:
    client = pulsar.asyncio.Client(url, logger=_quiet())
    producer = await client.create_producer(new_topic("rawpub"), **DEFAULT_PRODUCER_OPTIONS)
    rate = await send_all(lambda: producer.send(PAYLOAD), messages, in_flight)
    await producer.close()
    await client.close()
    return rate


async def broker_publish(url: str, messages: int, in_flight: int) -> float:
    broker = PulsarBroker(url)
    await broker.start()
    topic = new_topic("brokerpub")
    await broker.publish(PAYLOAD, topic)  # the producer is created once, as in the raw loop
    rate = await send_all(lambda: broker.publish(PAYLOAD, topic), messages, in_flight)
    await broker.stop()
    return rate


async def fill(url: str, topic: str, messages: int) -> None:
    client = pulsar.asyncio.Client(url, logger=_quiet())
    consumer = await client.subscribe(topic, "bench", consumer_type=pulsar.ConsumerType.Shared)
    await consumer.close()  # the subscription exists before the messages do
    producer = await client.create_producer(topic, batching_max_publish_delay_ms=1)
    # as PulsarBroker.publish writes them: a content type and a correlation id
    props = {"content-type": "application/octet-stream", "correlation_id": str(uuid.uuid4())}
    await send_all(lambda: producer.send(PAYLOAD, properties=props), messages, 500)
    await producer.flush()
    await producer.close()
    await client.close()


async def raw_consume(url: str, messages: int) -> float:
    topic = new_topic("rawsub")
    await fill(url, topic, messages)
    client = pulsar.asyncio.Client(url, logger=_quiet())
    start = time.perf_counter()
    consumer = await client.subscribe(topic, "bench", consumer_type=pulsar.ConsumerType.Shared)
    for _ in range(messages):
        msg = await consumer.receive()
        await consumer.acknowledge(msg)
    rate = messages / (time.perf_counter() - start)
    await consumer.close()
    await client.close()
    return rate


async def broker_consume(url: str, messages: int) -> float:
    topic = new_topic("brokersub")
    await fill(url, topic, messages)
    broker = PulsarBroker(url, logger=None)
    done = asyncio.Event()
    count = 0

    @broker.subscriber(topic, subscription="bench")
    async def handle(body: bytes) -> None:
        nonlocal count
        count += 1
        if count == messages:
            done.set()

    start = time.perf_counter()
    await broker.start()
    await done.wait()
    rate = messages / (time.perf_counter() - start)
    await broker.stop()
    return rate


async def pipeline_only(messages: int) -> float:
    """FastStream's consume pipeline alone (no broker, no I/O): messages per second.

    The same subscriber and handler as ``broker_consume``, fed in-memory messages: what
    FastStream itself (middlewares, context, dependency injection) costs per message.
    """
    from faststream._internal.endpoint.subscriber.utils import MultiLock

    from faststream_pulsar.testing import FakeRawMessage

    broker = PulsarBroker(logger=None)

    @broker.subscriber("pipeline", subscription="bench")
    async def handle(body: bytes) -> None:
        pass

    sub = broker.subscribers[0]
    sub._build_fastdepends_model()
    sub.lock = MultiLock()
    sub.running = True
    props = {"content-type": "application/octet-stream", "correlation_id": str(uuid.uuid4())}
    raws = [FakeRawMessage("pipeline", PAYLOAD, props, None) for _ in range(messages)]
    start = time.perf_counter()
    for raw in raws:
        await sub.consume(raw)
    return messages / (time.perf_counter() - start)


def _quiet():  # type: ignore[no-untyped-def]
    import logging

    lg = logging.getLogger("pulsar.client")
    lg.setLevel(logging.WARNING)
    return lg


async def main(messages: int, rounds: int, in_flight: int) -> None:
    with tempfile.TemporaryDirectory() as d:
        lite = PulsarLite.start(Path(d))
        try:
            results: dict[str, list[float]] = {
                k: [] for k in ("raw_pub", "fs_pub", "raw_sub", "fs_sub", "pipeline")
            }
            for _ in range(rounds):
                results["raw_pub"].append(await raw_publish(lite.url, messages, in_flight))
                results["fs_pub"].append(await broker_publish(lite.url, messages, in_flight))
                results["raw_sub"].append(await raw_consume(lite.url, messages))
                results["fs_sub"].append(await broker_consume(lite.url, messages))
                results["pipeline"].append(await pipeline_only(messages))
        finally:
            lite.stop()
    med = {k: statistics.median(v) for k, v in results.items()}
    print(f"messages={messages} rounds={rounds} in_flight={in_flight} payload={len(PAYLOAD)} B")
    print(
        f"publish  raw {med['raw_pub']:>9.0f} msg/s  PulsarBroker {med['fs_pub']:>9.0f} msg/s  "
        f"ratio {med['fs_pub'] / med['raw_pub']:.2f}"
    )
    print(
        f"consume  raw {med['raw_sub']:>9.0f} msg/s  PulsarBroker {med['fs_sub']:>9.0f} msg/s  "
        f"ratio {med['fs_sub'] / med['raw_sub']:.2f}"
    )
    raw_us, pipeline_us = 1e6 / med["raw_sub"], 1e6 / med["pipeline"]
    print(
        f"FastStream's consume pipeline alone (in memory): {pipeline_us:.0f} us/msg against "
        f"{raw_us:.0f} us/msg for the raw receive+ack loop, so no FastStream broker can consume "
        f"faster than {raw_us / (raw_us + pipeline_us):.2f} of raw here"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--in-flight", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(main(args.messages, args.rounds, args.in_flight))
