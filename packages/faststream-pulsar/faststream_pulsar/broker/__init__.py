from .broker import DEFAULT_PRODUCER_OPTIONS, PulsarBroker
from .router import PulsarPublisherArgs, PulsarRoute, PulsarRouter

__all__ = (
    "DEFAULT_PRODUCER_OPTIONS",
    "PulsarBroker",
    "PulsarPublisherArgs",
    "PulsarRoute",
    "PulsarRouter",
)
