"""How services talk: Avro events through ``faststream_pulsar``, with an inbox per consumer.

A service declares what it reacts to as a dict ``{EventClass: handler}``. Each handler
runs in one database transaction together with the inbox row of the message and the
outbox rows of the events it publishes, so a redelivered event changes nothing and a
failed handler leaves nothing behind.

A failure is handled by its kind (``alpes.failures``, docs/adr/0006): a transient one is
retried in place with capped exponential backoff for the retry horizon and never
dead-lettered inside it; a permanent one is dead-lettered at once with one ERROR line; an
unknown one is redelivered ``max_redeliveries`` times, then dead-lettered. A handler may
name a fallback that records a technical failure before its event is dead-lettered
(docs/saga.md: a saga never waits on a broken consumer).

A consumer accepts an event only from the topic of the context that owns its type
(``contracts.topic_for``): the broker lets each service's role publish on its own topic only
(docs/deployment-security.md), so an event found on another topic did not come from its
owner. It is logged (WARNING) and acknowledged without running any reaction.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar
from weakref import WeakKeyDictionary

from faststream import Context
from faststream.message import StreamMessage

from contracts import IntegrationEvent, dead_letter_topic, topic_for
from contracts import decode as decode_event
from contracts import encode as encode_event
from faststream_pulsar import (
    DeadLetterPolicy,
    PulsarBroker,
    PulsarMessage,
    PulsarSecurity,
    PulsarSubscriber,
    PulsarTokenSecurity,
    SubscriptionType,
)

from .failures import Failure, FailurePolicy, FaultInjection, one_line
from .logs import saga_context

if TYPE_CHECKING:
    from .db import Database
    from .metrics import ServiceMetrics
    from .settings import Settings

logger = logging.getLogger("alpes.messaging")

Handler = Callable[[Any, Any], Awaitable[None]]
"""A reaction: ``(event, unit_of_work)``; the unit of work is the service's own."""

Recovery = Callable[[Any, BaseException, Any], Awaitable[None]]
"""What to do when an event's retries are spent: ``(event, error, unit_of_work)``."""

Event = TypeVar("Event")
Command = TypeVar("Command")
Work = TypeVar("Work")

REACTS_TO: WeakKeyDictionary[PulsarSubscriber, tuple[type[IntegrationEvent], ...]] = (
    WeakKeyDictionary()
)
"""The events each subscription reacts to (for the AsyncAPI document)."""


class AvroCodec:
    """FastStream codec: integration events <-> Avro bytes with their schema identity."""

    async def decode(self, msg: StreamMessage[Any]) -> Any:
        return decode_event(msg.body, msg.headers)

    async def encode(self, msg: Any, serializer: Any = None) -> tuple[bytes, str | None]:
        data, _ = await self.encode_with_properties(msg, serializer)
        return data, "application/avro"

    async def encode_with_properties(
        self, msg: Any, serializer: Any = None
    ) -> tuple[bytes, dict[str, str]]:
        if isinstance(msg, bytes):  # already encoded (the outbox relay)
            return msg, {}
        return encode_event(msg)


def broker_security(settings: Settings) -> PulsarSecurity | None:
    """The connection's token and TLS options (``None``: plaintext and anonymous).

    A ``pulsar+ssl://`` URL means TLS, with the broker's host name validated unless
    ``pulsar_tls_validate_hostname`` is off and the system's trust store unless
    ``pulsar_tls_trust_certs_file`` names a CA file.
    """
    tls_url = settings.pulsar_url.startswith(("pulsar+ssl://", "https://"))
    options: dict[str, Any] = {
        "use_ssl": tls_url or None,
        "tls_trust_certs_file_path": settings.pulsar_tls_trust_certs_file,
        "tls_validate_hostname": settings.pulsar_tls_validate_hostname,
    }
    if settings.pulsar_auth_token:
        return PulsarTokenSecurity(settings.pulsar_auth_token, **options)
    if tls_url or settings.pulsar_tls_trust_certs_file:
        return PulsarSecurity(**options)
    return None


def make_broker(settings: Settings, **kwargs: Any) -> PulsarBroker:
    kwargs.setdefault("security", broker_security(settings))
    return PulsarBroker(
        settings.pulsar_url,
        codec=AvroCodec(),
        logger=logging.getLogger(f"alpes.{settings.service}.broker"),
        log_level=logging.DEBUG,  # "Received"/"Processed" per message; failures stay ERROR
        graceful_timeout=10,
        operation_timeout=settings.pulsar_operation_timeout_seconds,
        ping_topic=f"persistent://{settings.topic_namespace}/alpes.ping",
        **kwargs,
    )


@dataclass(frozen=True)
class Reaction:
    """What to do with one event type, and, optionally, when retries are spent.

    ``on_exhausted`` runs in its own transaction before the message is dead-lettered (a
    permanent failure, an unknown one on its last delivery, a transient one past the horizon). It must leave state that makes ``handle`` a no-op for the same
    event (a stored rejection, say): if dead-lettering fails, the message comes back.
    """

    handle: Handler
    on_exhausted: Recovery | None = None


def reaction(
    translate: Callable[[Event], Command], use_case: Callable[[Command, Work], Awaitable[Any]]
) -> Callable[[Event, Work], Awaitable[None]]:
    """The reaction that translates its event into a command (``adapters.translators``) and
    runs the use case on it (``application.handlers``) in the message's unit of work."""

    async def react(event: Event, uow: Work) -> None:
        await use_case(translate(event), uow)

    return react


def fallback(
    translate: Callable[[Event, BaseException], Command],
    use_case: Callable[[Command, Work], Awaitable[Any]],
) -> Callable[[Event, BaseException, Work], Awaitable[None]]:
    """The ``on_exhausted`` of a :class:`Reaction` that translates its event, and the error that
    spent its retries, into a command and runs the use case on it."""

    async def react(event: Event, error: BaseException, uow: Work) -> None:
        await use_case(translate(event, error), uow)

    return react


def subscribe(
    broker: PulsarBroker,
    db: Database,
    *,
    topic: str,
    subscription: str,
    reactions: Mapping[type[IntegrationEvent], Reaction | Handler],
    settings: Settings,
    failures: FailurePolicy | None = None,
    metrics: ServiceMetrics | None = None,
) -> None:
    """Consume ``topic`` on ``subscription``, running each event's reaction exactly once.

    An event whose type another context owns is ignored (one WARNING line, acknowledged).
    With ``metrics``, what is handled, redelivered and dead-lettered is counted by this
    subscriber's title and the event's type (``alpes.metrics``)."""
    table = {
        event_type: r if isinstance(r, Reaction) else Reaction(r)
        for event_type, r in reactions.items()
    }
    policy = DeadLetterPolicy(
        max_redeliveries=settings.max_redeliveries,
        topic=dead_letter_topic(topic, subscription),
    )
    failures = failures or FailurePolicy.from_settings(settings)
    faults = FaultInjection.parse(settings.inject_faults)

    title = f"{subscription}:{topic.rsplit('/', 1)[-1]}"
    subscriber = broker.subscriber(
        topic,
        subscription=subscription,
        subscription_type=SubscriptionType.SHARED,
        initial_position="Earliest",
        dead_letter=policy,
        nack_delay=timedelta(milliseconds=settings.nack_delay_ms),
        max_workers=settings.consumer_workers,
        title=title,
    )
    REACTS_TO[subscriber] = tuple(table)

    @subscriber
    async def on_message(message: PulsarMessage = Context()) -> None:
        event: IntegrationEvent = await message.decode()  # type: ignore[assignment]
        if topic_for(event, settings.topic_namespace) != topic:
            logger.warning(
                "ignored %s %s on %s: its owner publishes on %s, not here",
                type(event).__name__, event.id_evento, topic,
                topic_for(event, settings.topic_namespace),
            )  # fmt: skip
            return  # acknowledged: neither handled nor retried
        reaction = table.get(type(event))
        if reaction is None:
            return  # an event of this topic that this service does not react to
        name = type(event).__name__
        if metrics is not None and message.redelivery_count:
            metrics.redelivered.labels(title, name).inc()
        with saga_context(
            id_saga=event.id_saga, id_campana=event.id_campana, id_correlacion=event.id_correlacion
        ):
            tries: list[datetime] = []  # when each attempt of this delivery started

            async def react() -> None:
                tries.append(datetime.now(UTC))
                if faults:
                    faults.check(name, event.id_evento)
                await _react(db, subscription, event, reaction.handle)

            try:
                await failures.retrying(react, f"{name} {event.id_evento}")
                if metrics is not None:
                    metrics.handled.labels(title, name).inc()
            except Exception as exc:
                kind = failures.classify(exc)
                last_delivery = message.redelivery_count >= policy.max_redeliveries
                if kind is Failure.UNKNOWN and not last_delivery:
                    raise  # nack: redelivered, with its traceback in the log
                reason = f"{kind.value} failure: {one_line(exc)}"
                logger.error("dead-lettering %s %s: %s", name, event.id_evento, reason)
                if reaction.on_exhausted is not None:
                    await _exhausted(db, event, exc, reaction)
                await message.reject(reason, first_failure=tries[0], attempts=len(tries))
                if metrics is not None:
                    metrics.dead_lettered.labels(title, name, kind.value).inc()


async def _react(db: Database, consumer: str, event: IntegrationEvent, handle: Handler) -> None:
    async with db.unit_of_work(cause=event) as uow:
        if not await uow.first_time(consumer, event.id_evento):
            logger.debug("duplicate %s %s ignored", type(event).__name__, event.id_evento)
            return
        await handle(event, uow)
    logger.debug("handled %s %s", type(event).__name__, event.id_evento)


async def _exhausted(db: Database, event: Any, exc: BaseException, reaction: Reaction) -> None:
    assert reaction.on_exhausted is not None
    try:
        async with db.unit_of_work(cause=event) as uow:
            await reaction.on_exhausted(event, exc, uow)
    except Exception as error:
        logger.error(
            "could not record the technical failure of %s: %s", event.id_evento, one_line(error)
        )
