"""What a subscriber is configured with, and what its AsyncAPI description reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from faststream._internal.configs import SubscriberSpecificationConfig, SubscriberUsecaseConfig
from faststream._internal.constants import EMPTY
from faststream.middlewares import AckPolicy

from faststream_pulsar.options import (
    DEFAULT_NACK_DELAY,
    DeadLetterPolicy,
    InitialPosition,
    SubscriptionType,
)

if TYPE_CHECKING:
    from datetime import timedelta

    from faststream_pulsar.configs import PulsarBrokerConfig


@dataclass(kw_only=True)
class PulsarSubscriberSpecificationConfig(SubscriberSpecificationConfig):
    topic: str
    subscription: str
    subscription_type: SubscriptionType
    dead_letter: DeadLetterPolicy | None


@dataclass(kw_only=True)
class PulsarSubscriberConfig(SubscriberUsecaseConfig):
    _outer_config: PulsarBrokerConfig = field()
    topic: str
    subscription: str
    subscription_type: SubscriptionType = SubscriptionType.SHARED
    initial_position: InitialPosition = InitialPosition.LATEST
    dead_letter: DeadLetterPolicy | None = None
    nack_delay: timedelta = DEFAULT_NACK_DELAY
    receiver_queue_size: int = 1000
    consumer_name: str | None = None

    @property
    def ack_policy(self) -> AckPolicy:
        if self._ack_policy is not EMPTY:
            return self._ack_policy
        if self._outer_config.ack_policy is not EMPTY:
            return self._outer_config.ack_policy
        # A failed handler must never ack: redeliver, and dead-letter past the limit.
        return AckPolicy.NACK_ON_ERROR
