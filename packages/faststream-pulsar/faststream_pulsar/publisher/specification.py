"""A publisher's AsyncAPI description."""

from __future__ import annotations

from typing import TYPE_CHECKING

from faststream._internal.endpoint.publisher import PublisherSpecification
from faststream.specification.asyncapi.utils import resolve_payloads
from faststream.specification.schema import Message, Operation, PublisherSpec

from .config import PulsarPublisherSpecificationConfig

if TYPE_CHECKING:
    # named in a string in the base class, which ruff does not count as a use
    from faststream_pulsar.configs import PulsarBrokerConfig  # noqa: F401


class PulsarPublisherSpecification(
    PublisherSpecification["PulsarBrokerConfig", PulsarPublisherSpecificationConfig],
):
    __slots__ = ()

    @property
    def topic(self) -> str:
        return f"{self._outer_config.prefix}{self.config.topic}"

    @property
    def name(self) -> str:
        return self.config.title_ or f"{self.topic}:Publisher"

    def get_schema(self) -> dict[str, PublisherSpec]:
        payloads = self.get_payloads()
        return {
            self.name: PublisherSpec(
                address=self.topic,
                description=self.config.description_,
                operation=Operation(
                    message=Message(
                        title=f"{self.name}:Message",
                        payload=resolve_payloads(payloads, "Publisher"),
                    ),
                    bindings=None,
                ),
                bindings=None,
            ),
        }
