"""A FastStream broker for Apache Pulsar, built on ``pulsar-client``'s asyncio API."""

from .broker import (
    DEFAULT_PRODUCER_OPTIONS,
    PulsarBroker,
    PulsarPublisherArgs,
    PulsarRoute,
    PulsarRouter,
)
from .message import PulsarMessage
from .options import DeadLetterPolicy, InitialPosition, SubscriptionType
from .publisher import PulsarPublisher
from .response import PulsarPublishCommand, PulsarResponse
from .security import PulsarSecurity, PulsarTokenSecurity
from .subscriber import PulsarSubscriber
from .testing import TestPulsarBroker

__all__ = (
    "DEFAULT_PRODUCER_OPTIONS",
    "DeadLetterPolicy",
    "InitialPosition",
    "PulsarBroker",
    "PulsarMessage",
    "PulsarPublishCommand",
    "PulsarPublisher",
    "PulsarPublisherArgs",
    "PulsarResponse",
    "PulsarRoute",
    "PulsarRouter",
    "PulsarSecurity",
    "PulsarSubscriber",
    "PulsarTokenSecurity",
    "SubscriptionType",
    "TestPulsarBroker",
)
