"""Routers: group subscribers and publishers, optionally under a topic prefix."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from faststream._internal.broker.router import ArgsContainer, BrokerRouter, SubscriberRoute
from faststream._internal.constants import EMPTY

from faststream_pulsar.configs import PulsarBrokerConfig

from .registrator import PulsarRegistrator

if TYPE_CHECKING:
    from fast_depends.dependencies import Dependant
    from faststream._internal.types import BrokerMiddleware, CustomCallable
    from faststream.middlewares import AckPolicy


class PulsarPublisherArgs(ArgsContainer):
    """Arguments of ``publisher(...)`` kept for a :class:`PulsarRoute`."""

    def __init__(self, topic: str, **kwargs: Any) -> None:
        super().__init__(topic, **kwargs)


class PulsarRoute(SubscriberRoute):
    """A subscriber declared as data: ``PulsarRoute(handler, "topic", subscription=...)``."""

    def __init__(
        self,
        call: Callable[..., Any] | Callable[..., Awaitable[Any]],
        topic: str,
        *,
        subscription: str,
        publishers: Iterable[PulsarPublisherArgs] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(call, topic, subscription=subscription, publishers=publishers, **kwargs)


class PulsarRouter(PulsarRegistrator, BrokerRouter[Any, PulsarBrokerConfig]):
    """Subscribers and publishers to include in a broker; ``prefix`` prefixes topics."""

    def __init__(
        self,
        prefix: str = "",
        handlers: Iterable[PulsarRoute] = (),
        *,
        dependencies: Sequence[Dependant] = (),
        middlewares: Sequence[BrokerMiddleware[Any, Any]] = (),
        routers: Iterable[PulsarRegistrator] = (),
        parser: CustomCallable | None = None,
        decoder: CustomCallable | None = None,
        include_in_schema: bool | None = None,
        ack_policy: AckPolicy = EMPTY,
    ) -> None:
        super().__init__(
            handlers=handlers,
            config=PulsarBrokerConfig(
                prefix=prefix,
                ack_policy=ack_policy,
                broker_dependencies=dependencies,
                broker_middlewares=middlewares,
                broker_parser=parser,
                broker_decoder=decoder,
                include_in_schema=include_in_schema,
            ),
            routers=routers,
        )
