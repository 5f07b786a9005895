"""What a publisher is configured with, and what its AsyncAPI description reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from faststream._internal.configs import PublisherSpecificationConfig, PublisherUsecaseConfig

if TYPE_CHECKING:
    from faststream_pulsar.configs import PulsarBrokerConfig


@dataclass(kw_only=True)
class PulsarPublisherSpecificationConfig(PublisherSpecificationConfig):
    topic: str


@dataclass(kw_only=True)
class PulsarPublisherConfig(PublisherUsecaseConfig):
    _outer_config: PulsarBrokerConfig = field()
    topic: str
    headers: dict[str, str] | None = None
