"""Every topic and subscription name of the platform.

One persistent topic per publishing context, ``persistent://<tenant>/<namespace>/alpes.<context>.
eventos``; the tenant/namespace is one setting that services read and pass here (default
``public/default``). Each consuming service has one subscription, named after itself, on every
topic it reads. Dead letters follow Pulsar's default name, ``<topic>-<subscription>-DLQ``.
"""

from contracts.base import CONTEXTS, Context, IntegrationEvent

DEFAULT_NAMESPACE = "public/default"
TOPIC_PREFIX = "alpes"

SUBSCRIPTION_AFILIACIONES = "afiliaciones"
SUBSCRIPTION_MARCA = "marca"
SUBSCRIPTION_INFLUENCER = "influencer"
SUBSCRIPTION_TRACKING = "tracking"

SUBSCRIPTIONS: dict[Context, str] = {
    "afiliaciones": SUBSCRIPTION_AFILIACIONES,
    "marca": SUBSCRIPTION_MARCA,
    "influencer": SUBSCRIPTION_INFLUENCER,
    "tracking": SUBSCRIPTION_TRACKING,
}
"""The subscription of each consuming service (the same name on every topic it reads)."""

CONSUMED: dict[Context, tuple[Context, ...]] = {
    service: tuple(context for context in CONTEXTS if context != service) for service in CONTEXTS
}
"""The contexts whose topic each service reads: every one but its own. Participants react to
afiliaciones and to each other's failures; afiliaciones to every participant's outcome."""


def _check_namespace(namespace: str) -> str:
    tenant, _, name = namespace.partition("/")
    if not tenant or not name or "/" in name or "://" in namespace:
        raise ValueError(f"namespace must be 'tenant/namespace', got {namespace!r}")
    return namespace


def topic(context: Context, namespace: str = DEFAULT_NAMESPACE) -> str:
    """The topic where ``context`` publishes its events."""
    if context not in CONTEXTS:
        raise ValueError(f"unknown context {context!r}; expected one of {CONTEXTS}")
    return f"persistent://{_check_namespace(namespace)}/{TOPIC_PREFIX}.{context}.eventos"


def topic_for(
    event: IntegrationEvent | type[IntegrationEvent], namespace: str = DEFAULT_NAMESPACE
) -> str:
    """The topic an event (or event class) is published on."""
    return topic(event.context, namespace)


def subscription(service: Context) -> str:
    """The subscription name of a consuming service."""
    return SUBSCRIPTIONS[service]


def consumed_topics(service: Context, namespace: str = DEFAULT_NAMESPACE) -> tuple[str, ...]:
    """The topics ``service`` subscribes to, each with ``subscription(service)``."""
    return tuple(topic(context, namespace) for context in CONSUMED[service])


def dead_letter_topic(topic: str, subscription: str) -> str:
    """Pulsar's default dead-letter topic of a subscription: ``<topic>-<subscription>-DLQ``."""
    return f"{topic}-{subscription}-DLQ"


TOPIC_AFILIACIONES = topic("afiliaciones")
TOPIC_MARCA = topic("marca")
TOPIC_INFLUENCER = topic("influencer")
TOPIC_TRACKING = topic("tracking")
"""Topic names in the default namespace; services with another namespace call ``topic()``."""
