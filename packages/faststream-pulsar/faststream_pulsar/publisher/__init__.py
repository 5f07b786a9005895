from .factory import create_publisher
from .usecase import PulsarPublisher

__all__ = ("PulsarPublisher", "create_publisher")
