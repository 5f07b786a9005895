"""The AsyncAPI Pulsar bindings ``add_bindings`` adds to FastStream's document."""

from __future__ import annotations

from typing import Any

import pytest
from faststream.specification import AsyncAPI

from faststream_pulsar import DeadLetterPolicy, PulsarBroker, SubscriptionType
from faststream_pulsar.asyncapi import add_bindings, channel_binding, topic_parts


def document(broker: PulsarBroker) -> dict[str, Any]:
    doc: dict[str, Any] = (
        AsyncAPI(broker, title="Billing", version="1.0.0").to_specification().to_jsonable()
    )
    return add_bindings(doc, broker, tenant="acme")


def test_servers_channels_and_receive_operations_get_their_bindings() -> None:
    broker = PulsarBroker("pulsar://localhost:6650")

    @broker.subscriber(
        "persistent://acme/billing/orders",
        subscription="billing",
        subscription_type=SubscriptionType.KEY_SHARED,
        dead_letter=DeadLetterPolicy(max_redeliveries=3),
        title="orders",
    )
    @broker.publisher("non-persistent://acme/billing/invoices", title="invoices")
    async def bill(order: dict[str, Any]) -> dict[str, Any]:
        return order

    @broker.subscriber("audit", subscription="audit")
    async def audit(order: dict[str, Any]) -> None: ...

    doc = document(broker)

    assert [s["bindings"] for s in doc["servers"].values()] == [
        {"pulsar": {"tenant": "acme", "bindingVersion": "0.1.0"}}
    ]
    channels = doc["channels"]
    assert channels["orders"]["bindings"] == {
        "pulsar": {
            "namespace": "acme/billing",
            "persistence": "persistent",
            "bindingVersion": "0.1.0",
        }
    }
    assert channels["invoices"]["bindings"]["pulsar"]["persistence"] == "non-persistent"
    (audit_key,) = (k for k in channels if k not in {"orders", "invoices"})
    assert channels[audit_key]["bindings"]["pulsar"]["namespace"] == "public/default"

    received = {
        op["channel"]["$ref"].rsplit("/", 1)[-1]: op.get("x-pulsar-subscription")
        for op in doc["operations"].values()
        if op["action"] == "receive"
    }
    assert received == {
        "orders": {
            "subscription": "billing",
            "subscriptionType": "Key_Shared",
            "deadLetterTopic": "persistent://acme/billing/orders-billing-DLQ",
            "maxRedeliveries": 3,
            "bindingVersion": "0.1.0",
        },
        audit_key: {
            "subscription": "audit",
            "subscriptionType": "Shared",
            "bindingVersion": "0.1.0",
        },
    }
    sent = [op for op in doc["operations"].values() if op["action"] == "send"]
    assert sent and all("x-pulsar-subscription" not in op for op in sent)


@pytest.mark.parametrize(
    ("topic", "parts"),
    [
        ("orders", ("persistent", "public", "default", "orders")),
        ("acme/billing/orders", ("persistent", "acme", "billing", "orders")),
        ("non-persistent://acme/billing/orders", ("non-persistent", "acme", "billing", "orders")),
    ],
)
def test_short_topic_names_are_completed_as_pulsar_does(
    topic: str, parts: tuple[str, str, str, str]
) -> None:
    assert topic_parts(topic) == parts
    assert channel_binding(topic)["namespace"] == f"{parts[1]}/{parts[2]}"


def test_a_name_that_is_not_a_topic_is_refused() -> None:
    with pytest.raises(ValueError, match="not a Pulsar topic name"):
        topic_parts("acme/orders")
