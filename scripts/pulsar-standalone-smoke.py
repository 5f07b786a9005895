#!/usr/bin/env python3
"""Smoke check of a running Pulsar broker (e.g. one from scripts/pulsar-standalone).

Usage: pulsar-standalone-smoke.py [SERVICE_URL]   (default pulsar://127.0.0.1:6650)

Checks, each on a fresh topic, Shared subscriptions only:
  1. produce -> consume -> ack
  2. negative ack -> redelivered with redelivery_count 1
  3. dead-letter policy (max_redeliver_count=2) -> message lands on the DLQ topic
Exits 0 when all pass; prints one line per check.
"""

import sys
import time
import uuid

import pulsar

TIMEOUT_MS = 20_000


def topic(name: str) -> str:
    return f"persistent://public/default/smoke-{name}-{uuid.uuid4().hex[:8]}"


def check_produce_consume(client: pulsar.Client) -> None:
    t = topic("basic")
    consumer = client.subscribe(t, "smoke", consumer_type=pulsar.ConsumerType.Shared)
    producer = client.create_producer(t)
    producer.send(b"hello", properties={"k": "v"})
    msg = consumer.receive(timeout_millis=TIMEOUT_MS)
    assert msg.data() == b"hello", msg.data()
    assert msg.properties() == {"k": "v"}, msg.properties()
    consumer.acknowledge(msg)
    producer.close()
    consumer.close()


def check_nack_redelivery(client: pulsar.Client) -> None:
    t = topic("nack")
    consumer = client.subscribe(
        t,
        "smoke",
        consumer_type=pulsar.ConsumerType.Shared,
        negative_ack_redelivery_delay_ms=200,
    )
    producer = client.create_producer(t)
    producer.send(b"nack-me")
    first = consumer.receive(timeout_millis=TIMEOUT_MS)
    assert first.redelivery_count() == 0, first.redelivery_count()
    consumer.negative_acknowledge(first)
    again = consumer.receive(timeout_millis=TIMEOUT_MS)
    assert again.data() == b"nack-me", again.data()
    assert again.redelivery_count() == 1, again.redelivery_count()
    consumer.acknowledge(again)
    producer.close()
    consumer.close()


def check_dead_letter(client: pulsar.Client) -> None:
    t = topic("dlq")
    dlq_topic = t + "-DLQ"
    # Subscribe to the DLQ first so the dead-lettered message is retained for us.
    dlq_consumer = client.subscribe(
        dlq_topic, "smoke-dlq", consumer_type=pulsar.ConsumerType.Shared
    )
    consumer = client.subscribe(
        t,
        "smoke",
        consumer_type=pulsar.ConsumerType.Shared,
        negative_ack_redelivery_delay_ms=200,
        dead_letter_policy=pulsar.ConsumerDeadLetterPolicy(
            max_redeliver_count=2, dead_letter_topic=dlq_topic
        ),
    )
    producer = client.create_producer(t)
    producer.send(b"poison")
    counts = []
    for _ in range(3):  # deliveries with redelivery_count 0, 1, 2; the next one goes to the DLQ
        msg = consumer.receive(timeout_millis=TIMEOUT_MS)
        assert msg.data() == b"poison", msg.data()
        counts.append(msg.redelivery_count())
        consumer.negative_acknowledge(msg)
    assert counts == [0, 1, 2], counts
    dead = dlq_consumer.receive(timeout_millis=TIMEOUT_MS)
    assert dead.data() == b"poison", dead.data()
    dlq_consumer.acknowledge(dead)
    # Nothing more on the original subscription.
    try:
        extra = consumer.receive(timeout_millis=1_500)
    except pulsar.Timeout:
        extra = None
    assert extra is None, f"unexpected redelivery after DLQ: {extra.data()!r}"
    producer.close()
    consumer.close()
    dlq_consumer.close()


def main() -> int:
    url = sys.argv[1] if len(sys.argv) > 1 else "pulsar://127.0.0.1:6650"
    client = pulsar.Client(
        url, operation_timeout_seconds=30, logger=pulsar.ConsoleLogger(pulsar.LoggerLevel.Warn)
    )
    failed = 0
    try:
        for check in (check_produce_consume, check_nack_redelivery, check_dead_letter):
            t0 = time.monotonic()
            try:
                check(client)
            except Exception as e:  # report every check
                failed += 1
                print(f"FAIL {check.__name__}: {type(e).__name__}: {e}")
            else:
                print(f"ok   {check.__name__} ({time.monotonic() - t0:.2f}s)")
    finally:
        client.close()
    print(f"{3 - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
