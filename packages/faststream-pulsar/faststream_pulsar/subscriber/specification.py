"""A subscriber's AsyncAPI description, and the Pulsar binding FastStream's model lacks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from faststream._internal.endpoint.subscriber import SubscriberSpecification
from faststream.specification.asyncapi.utils import resolve_payloads
from faststream.specification.schema import Message, Operation, SubscriberSpec

from .config import PulsarSubscriberSpecificationConfig

if TYPE_CHECKING:
    # named in a string in the base class, which ruff does not count as a use
    from faststream_pulsar.configs import PulsarBrokerConfig  # noqa: F401


class PulsarSubscriberSpecification(
    SubscriberSpecification["PulsarBrokerConfig", PulsarSubscriberSpecificationConfig],
):
    __slots__ = ()

    @property
    def topic(self) -> str:
        return f"{self._outer_config.prefix}{self.config.topic}"

    @property
    def channel_labels(self) -> list[str]:
        return [self.topic]

    def get_schema(self) -> dict[str, SubscriberSpec]:
        payloads = self.get_payloads()
        return {
            self.name: SubscriberSpec(
                address=self.topic,
                description=self.description,
                operation=Operation(
                    message=Message(
                        title=f"{self.name}:Message",
                        payload=resolve_payloads(payloads),
                    ),
                    bindings=None,
                ),
                bindings=None,
            ),
        }

    def pulsar_bindings(self) -> dict[str, Any]:
        """The AsyncAPI Pulsar channel binding FastStream's model cannot express."""
        binding: dict[str, Any] = {
            "subscription": self.config.subscription,
            "subscriptionType": self.config.subscription_type.value,
            "bindingVersion": "0.1.0",
        }
        if self.config.dead_letter is not None:
            binding["deadLetterTopic"] = self.config.dead_letter.topic_for(
                self.topic, self.config.subscription
            )
            binding["maxRedeliveries"] = self.config.dead_letter.max_redeliveries
        return binding
