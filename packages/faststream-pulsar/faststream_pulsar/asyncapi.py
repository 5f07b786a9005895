"""AsyncAPI Pulsar bindings for the documents FastStream generates.

FastStream's AsyncAPI model has no ``pulsar`` binding, so a generated document says nothing
of tenants, namespaces or subscriptions. :func:`add_bindings` completes an AsyncAPI 3.0
document (the jsonable form of ``AsyncAPI(broker, ...).to_specification()``) with the
AsyncAPI Pulsar bindings 0.1.0: a server binding (``tenant``) on every server, a channel
binding (``namespace``, ``persistence``) on every channel, and, since the Pulsar bindings
define no operation binding, an ``x-pulsar-subscription`` extension on every receive
operation with its subscription, subscription type and dead-letter policy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from faststream.specification.asyncapi.utils import clear_key

from .subscriber import PulsarSubscriber, PulsarSubscriberSpecification

if TYPE_CHECKING:
    from .broker import PulsarBroker

BINDING_VERSION = "0.1.0"
DEFAULT_TENANT = "public"
DEFAULT_NAMESPACE = "default"

__all__ = (
    "BINDING_VERSION",
    "add_bindings",
    "channel_binding",
    "server_binding",
    "subscription_binding",
    "topic_parts",
)


def topic_parts(topic: str) -> tuple[str, str, str, str]:
    """``(persistence, tenant, namespace, local name)`` of a Pulsar topic name.

    Short names are completed as Pulsar does: ``orders`` is
    ``persistent://public/default/orders`` and ``t/ns/orders`` is ``persistent://t/ns/orders``.
    """
    persistence, sep, rest = topic.partition("://")
    if not sep:
        persistence, rest = "persistent", topic
    parts = rest.split("/", 2)
    if len(parts) == 1:
        return persistence, DEFAULT_TENANT, DEFAULT_NAMESPACE, parts[0]
    if len(parts) == 3:
        return persistence, parts[0], parts[1], parts[2]
    msg = f"not a Pulsar topic name: {topic!r}"
    raise ValueError(msg)


def server_binding(tenant: str = DEFAULT_TENANT) -> dict[str, Any]:
    """The Pulsar server binding."""
    return {"tenant": tenant, "bindingVersion": BINDING_VERSION}


def channel_binding(address: str) -> dict[str, Any]:
    """The Pulsar channel binding of the topic ``address``: its persistence and its
    namespace, fully qualified (``tenant/namespace``)."""
    persistence, tenant, namespace, _ = topic_parts(address)
    return {
        "namespace": f"{tenant}/{namespace}",
        "persistence": persistence,
        "bindingVersion": BINDING_VERSION,
    }


def subscription_binding(subscriber: PulsarSubscriber) -> dict[str, Any]:
    """What a receive operation of ``subscriber`` consumes with: its subscription, the
    subscription type and, with a dead-letter policy, the dead-letter topic and the
    redelivery limit."""
    spec = subscriber.specification
    assert isinstance(spec, PulsarSubscriberSpecification)
    return spec.pulsar_bindings()


def add_bindings(
    doc: dict[str, Any], broker: PulsarBroker, *, tenant: str = DEFAULT_TENANT
) -> dict[str, Any]:
    """Add the Pulsar bindings to ``doc``, the AsyncAPI 3.0 document of ``broker``, in
    place; returns ``doc``."""
    for server in doc.get("servers", {}).values():
        server["bindings"] = {"pulsar": server_binding(tenant)}
    for channel in doc.get("channels", {}).values():
        if "address" in channel:
            channel["bindings"] = {"pulsar": channel_binding(channel["address"])}
    subscribers = {
        clear_key(sub.specification.name): sub
        for sub in broker.subscribers
        if isinstance(sub, PulsarSubscriber) and sub.specification.include_in_schema
    }
    for operation in doc.get("operations", {}).values():
        if operation.get("action") != "receive":
            continue
        channel_key = operation["channel"]["$ref"].rsplit("/", 1)[-1]
        sub = subscribers.get(channel_key)
        if sub is not None:
            operation["x-pulsar-subscription"] = subscription_binding(sub)
    return doc
