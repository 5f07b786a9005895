"""Subscribers: a consumer per subscriber, a receive loop, and ordered workers."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from itertools import count
from typing import TYPE_CHECKING, Any

import pulsar
import pulsar.asyncio
from faststream._internal.endpoint.subscriber import SubscriberUsecase
from faststream._internal.endpoint.subscriber.mixins import TasksMixin
from faststream._internal.endpoint.utils import process_msg
from typing_extensions import override

from faststream_pulsar._native import ConsumerCalls
from faststream_pulsar.message import MESSAGE_ID, DeadLetterProperty, PulsarMessage, utc_now
from faststream_pulsar.options import DeadLetterPolicy
from faststream_pulsar.parser import PulsarParser, guard_decoder
from faststream_pulsar.publisher.fake import PulsarFakePublisher

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Sequence
    from datetime import datetime

    from faststream._internal.endpoint.publisher import PublisherProto
    from faststream._internal.endpoint.subscriber.call_item import CallsCollection
    from faststream._internal.types import AsyncCallable, CustomCallable
    from faststream.message import StreamMessage

    from faststream_pulsar.configs import PulsarBrokerConfig

    from .config import PulsarSubscriberConfig
    from .specification import PulsarSubscriberSpecification

logger = logging.getLogger("faststream_pulsar")

#: The client raises ``pulsar.PulsarException`` from its synchronous calls and
#: ``pulsar.asyncio.PulsarException`` from its asyncio ones: two unrelated classes.
PULSAR_ERRORS = (pulsar.PulsarException, pulsar.asyncio.PulsarException)

#: How many failing messages a subscriber remembers the first failure of.
_FAILURES_REMEMBERED = 10_000


class PulsarSubscriber(TasksMixin, SubscriberUsecase[Any]):
    """Consumes one topic on one subscription.

    With ``max_workers > 1`` messages are handled concurrently by that many workers,
    each message routed to a worker by its key, so one key's messages are handled in
    the order they were received while different keys run in parallel.
    """

    _outer_config: PulsarBrokerConfig

    def __init__(
        self,
        config: PulsarSubscriberConfig,
        specification: PulsarSubscriberSpecification,
        calls: CallsCollection[Any],
        *,
        max_workers: int = 1,
    ) -> None:
        parser = PulsarParser(self)
        config.parser = parser.parse_message
        config.decoder = parser.decode_message
        super().__init__(config, specification, calls)
        self._topic = config.topic
        self.subscription = config.subscription
        self.subscription_type = config.subscription_type
        self._initial_position = config.initial_position
        self.dead_letter_policy = config.dead_letter
        self._nack_delay = config.nack_delay
        self._receiver_queue_size = config.receiver_queue_size
        self._consumer_name = config.consumer_name
        self.max_workers = max_workers
        self._consumer: pulsar.asyncio.Consumer | None = None
        self._calls: ConsumerCalls | None = None
        self._queues: list[asyncio.Queue[Any]] = []
        self._round_robin = count()
        self._pending: asyncio.Future[Any] | None = None
        # Pulsar message id -> when its first failed delivery reached this subscriber
        self._first_failures: OrderedDict[str, datetime] = OrderedDict()
        self._dead_letters_retained = False

    @property
    def topic(self) -> str:
        return f"{self._outer_config.prefix}{self._topic}"

    @property
    def dead_letter_topic(self) -> str:
        policy = self.dead_letter_policy or DeadLetterPolicy()
        return policy.topic_for(self.topic, self.subscription)

    # --- lifecycle -------------------------------------------------------------------

    async def _subscribe(self) -> ConsumerCalls:
        if self._calls is None:
            await self._retain_dead_letters()
            consumer = await self._outer_config.client.subscribe(
                self.topic,
                self.subscription,
                consumer_type=self.subscription_type.consumer_type,
                initial_position=self._initial_position.pulsar_value,
                negative_ack_redelivery_delay_ms=int(self._nack_delay.total_seconds() * 1000),
                receiver_queue_size=self._receiver_queue_size,
                consumer_name=self._consumer_name,
            )
            try:
                calls = ConsumerCalls(consumer)
            except Exception:
                await consumer.close()
                raise
            self._consumer, self._calls = consumer, calls
        return self._calls

    async def _retain_dead_letters(self) -> None:
        """Make sure the dead-letter topic has a durable subscription, so it keeps messages.

        A topic without subscriptions keeps nothing on a stock Apache Pulsar (no retention
        policy), and a dead letter nobody keeps is lost. Subscribing once and closing leaves
        the subscription behind, at the position it was created; it is done before the
        subscriber consumes, so every message it dead-letters is retained.
        """
        policy = self.dead_letter_policy
        if policy is None or not policy.retain_subscription or self._dead_letters_retained:
            return
        topic = self.dead_letter_topic
        try:
            consumer = await self._outer_config.client.subscribe(
                topic,
                policy.retain_subscription,
                consumer_type=pulsar.ConsumerType.Shared,
                initial_position=pulsar.InitialPosition.Earliest,
                receiver_queue_size=1,
            )
        except PULSAR_ERRORS as exc:
            if "ConsumerBusy" not in f"{type(exc).__name__} {exc}":
                raise
            # an exclusive consumer (an operator's tool) holds it: it exists
        else:
            await consumer.close()
        self._dead_letters_retained = True
        logger.debug("dead letters of %s retained by %r", topic, policy.retain_subscription)

    @override
    async def start(self) -> None:
        await super().start()
        if self.calls:
            calls = await self._subscribe()
            if self.max_workers > 1:
                self._queues = [asyncio.Queue(maxsize=8) for _ in range(self.max_workers)]
                for queue in self._queues:
                    self.add_task(self._work, (queue,))
            self.add_task(self._receive_loop, (calls,))
        self._post_start()

    @override
    async def stop(self) -> None:
        # No new message is handled from here; in-flight handlers get the graceful
        # timeout; whatever was received but not handled is never acked, so closing
        # the consumer hands it back to the broker for redelivery.
        await super().stop()
        consumer, self._consumer = self._consumer, None
        self._calls = None
        self._queues = []
        self._pending = None
        if consumer is not None:
            try:
                await consumer.close()
            except PULSAR_ERRORS as exc:
                logger.debug("closing consumer of %s: %s", self.topic, exc)

    async def _receive_loop(self, calls: ConsumerCalls) -> None:
        queues = self._queues
        take_ready, receive = calls.take_ready, calls.consumer.receive
        while self.running:
            try:
                # a message already in the client's queue costs no wake-up of the loop
                raw = take_ready() or await receive()
            except PULSAR_ERRORS as exc:
                if (
                    not self.running
                    or (
                        isinstance(exc, pulsar.asyncio.PulsarException)
                        and exc.error() == pulsar.Result.AlreadyClosed
                    )
                    or isinstance(exc, pulsar.AlreadyClosed)
                ):
                    return
                logger.warning("receive on %s failed: %s; retrying", self.topic, exc)
                await asyncio.sleep(0.5)
                continue
            if queues:
                await queues[self._worker_for(raw)].put(raw)
            else:
                await self.consume(raw)

    def _worker_for(self, raw: Any) -> int:
        key = raw.partition_key() or raw.ordering_key()
        if key:
            return hash(key) % len(self._queues)
        return next(self._round_robin) % len(self._queues)

    async def _work(self, queue: asyncio.Queue[Any]) -> None:
        while True:
            raw = await queue.get()
            await self.consume(raw)

    # --- acknowledgement (see faststream_pulsar.message) -----------------------------

    async def ack(self, raw: Any) -> None:
        calls = self._calls
        if calls is None:
            return
        if self._first_failures:
            self._first_failures.pop(str(raw.message_id()), None)
        # An ack lost with the connection means a redelivery, which at-least-once
        # consumers handle; see faststream_pulsar._native for why it is not awaited.
        try:
            await calls.acknowledge(raw)
        except PULSAR_ERRORS as exc:
            logger.warning("ack on %s failed (%s); it will be redelivered", self.topic, exc)

    async def nack(
        self, raw: Any, error: BaseException | None = None, delivered_at: datetime | None = None
    ) -> None:
        consumer = self._consumer
        if consumer is None:
            return
        policy = self.dead_letter_policy
        if policy is not None and raw.redelivery_count() >= policy.max_redeliveries:
            deliveries = raw.redelivery_count() + 1
            reason = f"failed {deliveries} times; last error: {error!r}"
            await self.dead_letter(raw, reason, delivered_at=delivered_at)
            return
        self._remember_failure(str(raw.message_id()), delivered_at or utc_now())
        await self._negative_acknowledge(consumer, raw)

    async def _negative_acknowledge(self, consumer: pulsar.asyncio.Consumer, raw: Any) -> None:
        # pulsar.asyncio runs it on a worker thread: a failure path, rare and already
        # costlier (a traceback), so the public call is used.
        try:
            await consumer.negative_acknowledge(raw)
        except PULSAR_ERRORS as exc:
            logger.warning("nack on %s failed (%s); it will be redelivered", self.topic, exc)

    def _remember_failure(self, message_id: str, when: datetime) -> None:
        failures = self._first_failures
        if message_id not in failures:
            failures[message_id] = when
            if len(failures) > _FAILURES_REMEMBERED:
                failures.popitem(last=False)

    async def dead_letter(
        self,
        raw: Any,
        reason: str,
        *,
        first_failure: datetime | None = None,
        attempts: int = 1,
        delivered_at: datetime | None = None,
    ) -> None:
        """Copy ``raw`` to the dead-letter topic, then acknowledge it.

        The copy keeps the payload, key and properties and adds the reason, the original
        message id, topic and subscription, when it first failed (the earliest of a failed
        delivery this subscriber saw and ``first_failure``, else ``delivered_at``, else
        now) and how many attempts were made (every delivery before this one, plus
        ``attempts`` in this one).
        """
        consumer = self._consumer
        if consumer is None:
            return
        pulsar_id = str(raw.message_id())
        known = [t for t in (self._first_failures.get(pulsar_id), first_failure) if t]
        first = min(known) if known else (delivered_at or utc_now())
        props = dict(raw.properties())
        props.setdefault(DeadLetterProperty.REASON, reason)
        props.setdefault(MESSAGE_ID, pulsar_id)
        props[DeadLetterProperty.MESSAGE_ID] = pulsar_id
        props[DeadLetterProperty.FIRST_FAILURE] = first.isoformat(timespec="milliseconds")
        props[DeadLetterProperty.ATTEMPTS] = str(raw.redelivery_count() + max(attempts, 1))
        props[DeadLetterProperty.ORIGIN_TOPIC] = raw.topic_name()
        props[DeadLetterProperty.ORIGIN_SUBSCRIPTION] = self.subscription
        try:
            producer = await self._outer_config.producer.producer_for(self.dead_letter_topic)
            await producer.send(
                raw.data(),
                properties=props,
                partition_key=raw.partition_key() or None,
                ordering_key=raw.ordering_key() or None,
            )
        except Exception:
            logger.exception("could not dead-letter %s; it will be redelivered", pulsar_id)
            self._remember_failure(pulsar_id, first)
            await self._negative_acknowledge(consumer, raw)
            return
        self._first_failures.pop(pulsar_id, None)
        logger.error(
            "dead-lettered message %s from %s to %s: %s",
            props[MESSAGE_ID],
            self.topic,
            self.dead_letter_topic,
            reason,
        )
        await consumer.acknowledge(raw)

    # --- FastStream plumbing ---------------------------------------------------------

    @override
    def _get_parser_and_decoder(
        self,
        item_parser: CustomCallable | None = None,
        item_decoder: CustomCallable | None = None,
    ) -> tuple[AsyncCallable, AsyncCallable]:
        parser, decoder = super()._get_parser_and_decoder(item_parser, item_decoder)
        return parser, guard_decoder(decoder)

    def _make_response_publisher(self, message: StreamMessage[Any]) -> Sequence[PublisherProto]:
        return (PulsarFakePublisher(self._outer_config.producer, topic=message.reply_to),)

    def get_log_context(self, message: StreamMessage[Any] | None) -> dict[str, str]:
        return {
            "topic": self.topic,
            "subscription": self.subscription,
            "message_id": getattr(message, "message_id", ""),
        }

    async def _next_raw(self, timeout: float | None) -> Any:
        """The next message, waiting at most ``timeout``; a late one is kept, not lost."""
        calls = await self._subscribe()
        if self._pending is None:
            self._pending = asyncio.ensure_future(calls.consumer.receive())
        done, _ = await asyncio.wait({self._pending}, timeout=timeout)
        if not done:
            return None
        pending, self._pending = self._pending, None
        return pending.result()

    @override
    async def get_one(self, *, timeout: float = 5.0) -> PulsarMessage | None:
        assert not self.calls, "`get_one` is for subscribers without handlers"
        raw = await self._next_raw(timeout)
        return await self._process_raw(raw)

    @override
    async def __aiter__(self) -> AsyncIterator[PulsarMessage]:
        assert not self.calls, "iteration is for subscribers without handlers"
        while True:
            raw = await self._next_raw(None)
            msg = await self._process_raw(raw)
            if msg is not None:
                yield msg

    async def _process_raw(self, raw: Any) -> PulsarMessage | None:
        parser, decoder = self._get_parser_and_decoder()
        context = self._outer_config.context
        msg = await process_msg(
            msg=raw,
            middlewares=(m(raw, context=context) for m in self._broker_middlewares),
            parser=parser,
            decoder=decoder,
        )
        return msg  # type: ignore[return-value]
