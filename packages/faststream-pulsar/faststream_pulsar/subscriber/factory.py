"""``create_subscriber``: a subscriber and its AsyncAPI description from the registrator's
arguments."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from faststream._internal.endpoint.subscriber.call_item import CallsCollection

from faststream_pulsar.options import DeadLetterPolicy, InitialPosition, SubscriptionType

from .config import PulsarSubscriberConfig, PulsarSubscriberSpecificationConfig
from .specification import PulsarSubscriberSpecification
from .usecase import PulsarSubscriber

if TYPE_CHECKING:
    from datetime import timedelta

    from faststream.middlewares import AckPolicy

    from faststream_pulsar.configs import PulsarBrokerConfig


def create_subscriber(
    topic: str,
    *,
    subscription: str,
    subscription_type: SubscriptionType | str,
    initial_position: InitialPosition | str,
    dead_letter: DeadLetterPolicy | None,
    nack_delay: timedelta,
    max_workers: int,
    receiver_queue_size: int,
    consumer_name: str | None,
    ack_policy: AckPolicy,
    no_reply: bool,
    config: PulsarBrokerConfig,
    title_: str | None,
    description_: str | None,
    include_in_schema: bool,
) -> PulsarSubscriber:
    if max_workers < 1:
        msg = "max_workers must be at least 1"
        raise ValueError(msg)
    sub_type = SubscriptionType(subscription_type)
    calls = CallsCollection[Any]()
    specification = PulsarSubscriberSpecification(
        config,
        PulsarSubscriberSpecificationConfig(
            topic=topic,
            subscription=subscription,
            subscription_type=sub_type,
            dead_letter=dead_letter,
            title_=title_,
            description_=description_,
            include_in_schema=include_in_schema,
        ),
        calls,
    )
    return PulsarSubscriber(
        PulsarSubscriberConfig(
            topic=topic,
            subscription=subscription,
            subscription_type=sub_type,
            initial_position=InitialPosition(initial_position),
            dead_letter=dead_letter,
            nack_delay=nack_delay,
            receiver_queue_size=receiver_queue_size,
            consumer_name=consumer_name,
            no_reply=no_reply,
            _outer_config=config,
            _ack_policy=ack_policy,
        ),
        specification,
        calls,
        max_workers=max_workers,
    )
