"""Subscription options in Pulsar's own terms."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta

import pulsar


class SubscriptionType(str, enum.Enum):
    """How the consumers of one subscription share its messages."""

    EXCLUSIVE = "Exclusive"
    SHARED = "Shared"
    FAILOVER = "Failover"
    KEY_SHARED = "Key_Shared"

    @property
    def consumer_type(self) -> pulsar.ConsumerType:
        return {
            SubscriptionType.EXCLUSIVE: pulsar.ConsumerType.Exclusive,
            SubscriptionType.SHARED: pulsar.ConsumerType.Shared,
            SubscriptionType.FAILOVER: pulsar.ConsumerType.Failover,
            SubscriptionType.KEY_SHARED: pulsar.ConsumerType.KeyShared,
        }[self]


class InitialPosition(str, enum.Enum):
    """Where a new subscription starts reading."""

    LATEST = "Latest"
    EARLIEST = "Earliest"

    @property
    def pulsar_value(self) -> pulsar.InitialPosition:
        if self is InitialPosition.EARLIEST:
            return pulsar.InitialPosition.Earliest
        return pulsar.InitialPosition.Latest


@dataclass(frozen=True, slots=True)
class DeadLetterPolicy:
    """After ``max_redeliveries`` failed redeliveries a message goes to ``topic``.

    ``topic`` defaults to Pulsar's own name, ``<topic>-<subscription>-DLQ``. The
    subscriber moves the message itself (with the failure in its properties) instead of
    leaving it to the client, so the policy behaves the same on every subscription type
    and broker; see ``docs/adr`` in the repository that ships this package.

    ``retain_subscription`` names a durable subscription that the subscriber makes sure
    exists on the dead-letter topic when it starts, so the topic keeps its messages until
    someone acknowledges them there (a stock Pulsar keeps nothing on a topic without
    subscriptions); ``None`` leaves retention to the broker's policies.
    """

    max_redeliveries: int = 5
    topic: str | None = None
    retain_subscription: str | None = "dead-letters"

    def topic_for(self, topic: str, subscription: str) -> str:
        return self.topic or f"{topic}-{subscription}-DLQ"


DEFAULT_NACK_DELAY = timedelta(seconds=1)
