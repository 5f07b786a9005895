"""The one place ``faststream_pulsar`` reaches past pulsar-client's public API.

``pulsar.asyncio.Consumer`` offers only awaitable calls, and each completes its future from a
client thread through ``loop.call_soon_threadsafe``: a wake-up of the event loop per call.
On the hot path of a subscriber, two calls go to the C extension's consumer it wraps
(``_consumer``) instead, because the asyncio API has no equivalent that costs no wake-up:

- ``receive(0)`` (:meth:`ConsumerCalls.take_ready`): a message already in the client's
  receive queue, or ``None``; ``pulsar.asyncio`` has no non-blocking receive. The message is
  wrapped as ``pulsar.asyncio.Consumer.receive`` wraps it (``pulsar.Message``'s
  ``_message`` and the consumer's ``_schema``).
- ``acknowledge(message_id)`` (:meth:`ConsumerCalls.acknowledge`): the client groups acks
  and sends them in the background, so the synchronous call returns at once.

The figures, and why nothing else is private, are in ADR 0008 of the repository that ships
this package. The attributes are checked when a subscriber subscribes: if pulsar-client
changes them, subscribing fails with :class:`NativeApiChanged`, naming the version and the
switch below, instead of a message failing later.

``FASTSTREAM_PULSAR_NATIVE`` chooses the calls: ``receive,ack`` (the default), one of them,
or ``none`` for pulsar-client's public asyncio API alone (slower, always correct).
"""

from __future__ import annotations

import os
from typing import Any, Final

import pulsar
import pulsar.asyncio

__all__ = ("ENV_VAR", "FEATURES", "ConsumerCalls", "NativeApiChanged", "native_features")

ENV_VAR: Final = "FASTSTREAM_PULSAR_NATIVE"
FEATURES: Final = frozenset({"receive", "ack"})
#: The pulsar-client version these attributes were read in (``pulsar/asyncio.py``); the
#: checks in :class:`ConsumerCalls` cover the others.
CHECKED_VERSION: Final = "3.13.0"


class NativeApiChanged(RuntimeError):
    """The installed pulsar-client no longer has the attributes this module uses."""


def native_features(value: str | None = None) -> frozenset[str]:
    """The native calls to use: ``value``, else ``$FASTSTREAM_PULSAR_NATIVE``, else all."""
    if value is None:
        value = os.environ.get(ENV_VAR)
        if value is None:
            return FEATURES
    names = {part.strip().lower() for part in value.split(",")} - {""}
    if names <= {"none"}:
        return frozenset()
    if names == {"all"}:
        return FEATURES
    if unknown := names - FEATURES:
        msg = f"{ENV_VAR}={value!r}: unknown {sorted(unknown)}; use receive, ack, all or none"
        raise ValueError(msg)
    return frozenset(names)


def _changed(what: str) -> NativeApiChanged:
    return NativeApiChanged(
        f"pulsar-client {pulsar.__version__} has no {what}, which faststream_pulsar uses "
        f"(read in pulsar-client {CHECKED_VERSION}). Set {ENV_VAR}=none to use only "
        "pulsar-client's public asyncio API."
    )


class ConsumerCalls:
    """Receive and acknowledge on one ``pulsar.asyncio.Consumer``.

    ``consumer`` is the public object, for every other call. Raises
    :class:`NativeApiChanged` if a native call is enabled and the attributes it needs are gone.
    """

    __slots__ = ("_native", "_schema", "acknowledge", "consumer", "take_ready")

    def __init__(
        self, consumer: pulsar.asyncio.Consumer, features: frozenset[str] | None = None
    ) -> None:
        features = native_features() if features is None else features
        self.consumer = consumer
        self._native: Any = None
        self._schema: Any = None
        if features:
            self._native = getattr(consumer, "_consumer", None)
            for name in ("receive", "acknowledge"):
                if not callable(getattr(self._native, name, None)):
                    raise _changed(f"pulsar.asyncio.Consumer._consumer.{name}")
        if "receive" in features:
            self._schema = getattr(consumer, "_schema", None)
            if self._schema is None:
                raise _changed("pulsar.asyncio.Consumer._schema")
            if not _message_wraps_native():
                raise _changed("pulsar.Message reading its native message from `_message`")
        # chosen once, so the per-message calls do not test the features
        self.take_ready = self._take_ready if "receive" in features else _nothing_ready
        self.acknowledge = self._acknowledge if "ack" in features else consumer.acknowledge

    def _take_ready(self) -> pulsar.Message | None:
        """A message already in the client's receive queue, without waiting; else None."""
        try:
            received = self._native.receive(0)
        except pulsar.Timeout:
            return None
        message = pulsar.Message()
        message._message = received
        message._schema = self._schema
        return message

    async def _acknowledge(self, message: pulsar.Message) -> None:
        """Hand the ack to the client's grouping tracker; it is sent in the background."""
        self._native.acknowledge(message.message_id())


def _nothing_ready() -> None:
    return None


class _Probe:
    def data(self) -> bytes:
        return b"probe"


def _message_wraps_native() -> bool:
    """Whether ``pulsar.Message`` still reads its payload from ``_message``."""
    message = pulsar.Message()
    message._message = _Probe()
    try:
        return bool(message.data() == b"probe")
    except Exception:
        return False
