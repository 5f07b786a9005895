from .factory import create_subscriber
from .specification import PulsarSubscriberSpecification
from .usecase import PULSAR_ERRORS, PulsarSubscriber

__all__ = (
    "PULSAR_ERRORS",
    "PulsarSubscriber",
    "PulsarSubscriberSpecification",
    "create_subscriber",
)
