"""Dead letters on every real broker: retained while nobody reads them, and carrying what an
operator needs to judge and replay them (``broker_url`` is parametrized). The dead letter's
properties are named as an operator reads them on the broker."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from faststream import Context

from faststream_pulsar import DeadLetterPolicy, PulsarBroker, PulsarMessage
from faststream_pulsar.message import original_properties
from tests.helpers import eventually, started, unique_topic

FAST_RETRY = timedelta(milliseconds=100)


@dataclass
class Audited:
    """A fresh topic on the broker under test whose ``auditoria`` subscription keeps each
    message as it was sent; a test adds the failing subscription ``s``."""

    broker_url: str
    caplog: pytest.LogCaptureFixture
    topic: str = field(default_factory=lambda: unique_topic("dead-letters"))
    copies: list[PulsarMessage] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.broker = PulsarBroker(self.broker_url)

        @self.broker.subscriber(self.topic, subscription="auditoria")
        async def audit(message: PulsarMessage = Context()) -> None:
            self.copies.append(message)

    def dead_lettered(self) -> list[logging.LogRecord]:
        return [
            r
            for r in self.caplog.records
            if r.getMessage().startswith("dead-lettered")
            and f" from {self.topic} " in r.getMessage()
        ]

    async def dead_letter(self, body: Any, *, timeout: float = 20, **options: Any) -> PulsarMessage:
        """Publish ``body``; once ``s`` has dead-lettered it, close every client of the broker
        (nobody reads the dead-letter topic then). The audit copy of what was sent."""
        async with started(self.broker):
            await self.broker.publish(body, self.topic, **options)
            await eventually(self.dead_lettered, timeout=timeout, message="dead-lettered")
            [original] = await eventually(lambda: self.copies, message="the audit copy")
        return original

    async def retained(self, timeout: float = 20) -> PulsarMessage | None:
        """The next message on the retaining subscription of ``s``'s dead-letter topic, joined
        at its *latest* position: only a subscription that existed before the dead letter was
        written still has it."""
        reader = PulsarBroker(self.broker_url)
        inbox = reader.subscriber(
            f"{self.topic}-s-DLQ", subscription="dead-letters", initial_position="Latest"
        )
        async with started(reader):
            message = await inbox.get_one(timeout=timeout)
            if message is not None:
                await message.ack()
        return message


@pytest.fixture
def audited(broker_url: str, caplog: pytest.LogCaptureFixture) -> Audited:
    caplog.set_level(logging.ERROR, logger="faststream_pulsar")
    return Audited(broker_url, caplog)


async def test_a_dead_letter_written_while_nobody_reads_the_topic_is_kept(
    audited: Audited,
) -> None:
    early = datetime(2030, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)

    @audited.broker.subscriber(
        audited.topic, subscription="s", dead_letter=DeadLetterPolicy(max_redeliveries=3)
    )
    async def refuse(message: PulsarMessage = Context()) -> None:
        # a handler that retried in place says when it first failed and how often it tried
        await message.reject("no me gusta", first_failure=early, attempts=4)

    original = await audited.dead_letter(
        {"pedido": 7},
        key="pedido-7",
        headers={"tipo": "PedidoCreado", "id_saga": "saga-1"},
        correlation_id="corr-7",
        message_id="evento-7",
    )

    dead = await audited.retained()
    assert dead is not None, "the dead letter was retained"
    assert await dead.decode() == {"pedido": 7}
    assert dead.key == "pedido-7"
    assert dead.headers["dead_letter_reason"] == "no me gusta"
    assert dead.headers["dead_letter_first_failure"] == "2030-01-02T03:04:05.678+00:00"
    assert dead.headers["dead_letter_attempts"] == "4"
    assert dead.headers["origin_topic"] == audited.topic
    assert dead.headers["origin_subscription"] == "s"
    assert dead.headers["dead_letter_message_id"] == str(original.raw_message.message_id())
    assert dead.headers["message_id"] == "evento-7"
    assert original_properties(dead.headers) == original.headers


async def test_a_message_that_keeps_failing_says_when_it_first_failed_and_how_often(
    audited: Audited,
) -> None:
    attempts: list[datetime] = []

    @audited.broker.subscriber(
        audited.topic,
        subscription="s",
        dead_letter=DeadLetterPolicy(max_redeliveries=2),
        nack_delay=FAST_RETRY,
    )
    async def fail(body: Any) -> None:
        attempts.append(datetime.now(UTC))
        raise RuntimeError("sin suerte")

    before = datetime.now(UTC) - timedelta(milliseconds=1)
    original = await audited.dead_letter(b"13", timeout=30, headers={"tipo": "Numero"})

    dead = await audited.retained()
    assert dead is not None, "the dead letter was retained"
    first = datetime.fromisoformat(dead.headers["dead_letter_first_failure"])
    assert len(attempts) == 3
    assert before <= first <= attempts[0], "the first failed delivery, not a later one"
    assert dead.headers["dead_letter_attempts"] == "3"
    assert "sin suerte" in dead.headers["dead_letter_reason"]
    assert "message_id" not in original.headers  # none was sent
    assert original_properties(dead.headers) == original.headers
    assert dead.body == b"13"


async def test_without_a_retaining_subscription_none_is_created(audited: Audited) -> None:
    """``retain_subscription=None`` leaves the dead-letter topic to the broker's own policy."""

    @audited.broker.subscriber(
        audited.topic,
        subscription="s",
        dead_letter=DeadLetterPolicy(max_redeliveries=0, retain_subscription=None),
    )
    async def refuse(message: PulsarMessage = Context()) -> None:
        await message.reject("no")

    await audited.dead_letter(b"x")

    # joined at the latest position after the dead letter: a subscription made now sees
    # nothing of it, which is what the retaining subscription exists to prevent
    assert await audited.retained(timeout=1) is None
