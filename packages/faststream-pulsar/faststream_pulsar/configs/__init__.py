from .broker import PulsarBrokerConfig

__all__ = ("PulsarBrokerConfig",)
