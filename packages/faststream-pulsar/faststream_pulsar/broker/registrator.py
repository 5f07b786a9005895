"""``subscriber(...)`` and ``publisher(...)`` for brokers and routers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from faststream._internal.broker.registrator import Registrator
from faststream._internal.constants import EMPTY
from faststream.middlewares import AckPolicy
from typing_extensions import override

from faststream_pulsar.configs import PulsarBrokerConfig
from faststream_pulsar.options import (
    DEFAULT_NACK_DELAY,
    DeadLetterPolicy,
    InitialPosition,
    SubscriptionType,
)
from faststream_pulsar.publisher import PulsarPublisher, create_publisher
from faststream_pulsar.subscriber import PulsarSubscriber, create_subscriber

if TYPE_CHECKING:
    from datetime import timedelta

    from fast_depends.dependencies import Dependant
    from faststream._internal.parser import CodecProto
    from faststream._internal.types import BrokerMiddleware, CustomCallable


class PulsarRegistrator(Registrator[Any, PulsarBrokerConfig]):
    """What a broker and a router share: declaring subscribers and publishers."""

    @override
    def subscriber(  # type: ignore[override]
        self,
        topic: str,
        *,
        subscription: str,
        subscription_type: SubscriptionType | str = SubscriptionType.SHARED,
        initial_position: InitialPosition | str = InitialPosition.LATEST,
        dead_letter: DeadLetterPolicy | None = None,
        nack_delay: timedelta = DEFAULT_NACK_DELAY,
        max_workers: int = 1,
        receiver_queue_size: int = 1000,
        consumer_name: str | None = None,
        ack_policy: AckPolicy = EMPTY,
        no_reply: bool = False,
        dependencies: Sequence[Dependant] = (),
        parser: CustomCallable | None = None,
        decoder: CustomCallable | None = None,
        codec: CodecProto | None = None,
        persistent: bool = True,
        title: str | None = None,
        description: str | None = None,
        include_in_schema: bool = True,
    ) -> PulsarSubscriber:
        """Consume ``topic`` on the named ``subscription``.

        Every subscription receives every message; the consumers of one subscription
        share its messages as ``subscription_type`` says. A failing handler's message is
        redelivered after ``nack_delay``, and after ``dead_letter.max_redeliveries``
        it goes to the dead-letter topic. ``max_workers > 1`` handles messages
        concurrently while keeping each key's messages in order.
        """
        subscriber = create_subscriber(
            topic,
            subscription=subscription,
            subscription_type=subscription_type,
            initial_position=initial_position,
            dead_letter=dead_letter,
            nack_delay=nack_delay,
            max_workers=max_workers,
            receiver_queue_size=receiver_queue_size,
            consumer_name=consumer_name,
            ack_policy=ack_policy,
            no_reply=no_reply,
            config=cast("PulsarBrokerConfig", self.config),
            title_=title,
            description_=description,
            include_in_schema=include_in_schema,
        )
        super().subscriber(subscriber, persistent=persistent)
        return subscriber.add_call(
            parser_=parser or self._parser,
            decoder_=decoder or self._decoder,
            codec_=codec,
            dependencies_=dependencies,
        )

    @override
    def publisher(  # type: ignore[override]
        self,
        topic: str,
        *,
        headers: dict[str, str] | None = None,
        persistent: bool = True,
        title: str | None = None,
        description: str | None = None,
        schema: Any | None = None,
        include_in_schema: bool = True,
    ) -> PulsarPublisher:
        """A publisher for ``topic``; as a decorator it publishes the handler's result."""
        publisher = create_publisher(
            topic,
            headers=headers,
            config=cast("PulsarBrokerConfig", self.config),
            title_=title,
            description_=description,
            schema_=schema,
            include_in_schema=include_in_schema,
        )
        super().publisher(publisher, persistent=persistent)
        return publisher

    @override
    def include_router(
        self,
        router: Registrator[Any, Any],
        *,
        prefix: str = "",
        dependencies: Sequence[Dependant] = (),
        middlewares: Sequence[BrokerMiddleware[Any, Any]] = (),
        include_in_schema: bool | None = None,
    ) -> None:
        if not isinstance(router, PulsarRegistrator):
            msg = f"Router must be a PulsarRouter, got {type(router).__name__}"
            raise TypeError(msg)
        super().include_router(
            router,
            prefix=prefix,
            dependencies=dependencies,
            middlewares=middlewares,
            include_in_schema=include_in_schema,
        )
