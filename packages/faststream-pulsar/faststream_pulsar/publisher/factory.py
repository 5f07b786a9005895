"""``create_publisher``: a publisher and its AsyncAPI description from the registrator's
arguments."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .config import PulsarPublisherConfig, PulsarPublisherSpecificationConfig
from .specification import PulsarPublisherSpecification
from .usecase import PulsarPublisher

if TYPE_CHECKING:
    from faststream_pulsar.configs import PulsarBrokerConfig


def create_publisher(
    topic: str,
    *,
    headers: dict[str, str] | None,
    config: PulsarBrokerConfig,
    title_: str | None,
    description_: str | None,
    schema_: Any | None,
    include_in_schema: bool,
) -> PulsarPublisher:
    return PulsarPublisher(
        PulsarPublisherConfig(topic=topic, headers=headers, _outer_config=config),
        PulsarPublisherSpecification(
            config,
            PulsarPublisherSpecificationConfig(
                topic=topic,
                schema_=schema_,
                title_=title_,
                description_=description_,
                include_in_schema=include_in_schema,
            ),
        ),
    )
