"""Transient or permanent: how every part of a service tells failures apart (docs/adr/0006).

- **Transient**: the world will change without us: a lost or refused database connection, a
  pool timeout, a serialization failure or deadlock, a lock wait that timed out, a broker
  timeout, a concurrent change of the same aggregate (``ConcurrencyConflict``). Retried with
  capped exponential backoff and jitter for ``retry_horizon_seconds``; one WARNING line per
  attempt, no traceback.
- **Permanent**: the same input fails the same way every time: an undecodable payload or
  unknown contract, a broken domain rule (the errors a service maps to a 4xx in HTTP), data
  the database refuses (SQLSTATE classes 22 and 23). One ERROR line, then dead-lettered.
- **Unknown** (a bug, most likely): a few redeliveries, then dead-lettered, with its traceback,
  so a deploy can fix it and ``alpes dead-letters replay`` finish the work.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import random
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_delay,
    wait_exponential_jitter,
)

from .seedwork import ConcurrencyConflict

__all__ = ["ConcurrencyConflict", "Failure", "FailurePolicy"]

if TYPE_CHECKING:
    from .settings import Settings

logger = logging.getLogger("alpes.failures")

T = TypeVar("T")


class Failure(enum.Enum):
    TRANSIENT = "transient"
    PERMANENT = "permanent"
    UNKNOWN = "unknown"


class InjectedFault(Exception):
    """A failure made on purpose by ``INJECT_FAULTS`` (the fault suite)."""


class InjectedTransientFault(InjectedFault, ConnectionError):
    pass


class InjectedPermanentFault(InjectedFault, ValueError):
    pass


# SQLSTATE classes and codes (PostgreSQL appendix A)
_TRANSIENT_CLASSES = ("08", "53", "57")  # connection, insufficient resources, operator
_TRANSIENT_CODES = frozenset({"40001", "40P01", "55P03", "55000", "55006"})
_PERMANENT_CLASSES = ("22", "23")  # data exception, integrity constraint violation


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc``, what it wraps (SQLAlchemy's ``orig``) and its causes, each once."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)
        todo += [
            orig if isinstance(orig, BaseException) else None,
            current.__cause__,
            current.__context__,
        ]


def _sqlstate(exc: BaseException) -> str | None:
    code = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
    return code if isinstance(code, str) else None


def _is_transient(exc: BaseException) -> bool:
    import sqlalchemy.exc

    if isinstance(exc, ConcurrencyConflict | OSError | TimeoutError | asyncio.TimeoutError):
        return True  # OSError covers ConnectionError: refused, reset, broken pipe
    if isinstance(exc, sqlalchemy.exc.TimeoutError):  # the pool had no connection in time
        return True
    if isinstance(exc, sqlalchemy.exc.DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, sqlalchemy.exc.InterfaceError):  # the connection is closed
        return True
    code = _sqlstate(exc)
    if code is not None and (code in _TRANSIENT_CODES or code.startswith(_TRANSIENT_CLASSES)):
        return True
    name = type(exc).__name__
    module = type(exc).__module__
    if module.startswith("asyncpg") and name in {
        "ConnectionDoesNotExistError",
        "ConnectionFailureError",
        "InterfaceError",
        "CannotConnectNowError",
        "TooManyConnectionsError",
        # the server closed the connection while asyncpg was idle: its protocol state is
        # broken ("cannot switch to state ..."); a new connection works
        "InternalClientError",
    }:
        return True
    return module.startswith("_pulsar") and name in {"Timeout", "ConnectError", "NotConnected"}


def _is_permanent(exc: BaseException, permanent: tuple[type[BaseException], ...]) -> bool:
    from contracts import CodecError

    if isinstance(exc, InjectedPermanentFault | CodecError):
        return True
    if permanent and isinstance(exc, permanent):
        return True
    code = _sqlstate(exc)
    return code is not None and code.startswith(_PERMANENT_CLASSES)


@dataclass(frozen=True)
class FailurePolicy:
    """The one place that decides what a failure is, and how long a transient one is retried.

    ``permanent`` adds a service's own error classes (its domain errors, those HTTP answers
    with a 4xx)."""

    initial: float = 0.5
    cap: float = 30.0
    horizon: float = 900.0
    permanent: tuple[type[BaseException], ...] = field(default=())

    @classmethod
    def from_settings(
        cls, settings: Settings, permanent: tuple[type[BaseException], ...] = ()
    ) -> FailurePolicy:
        return cls(
            initial=settings.retry_initial_ms / 1000,
            cap=settings.retry_max_ms / 1000,
            horizon=settings.retry_horizon_seconds,
            permanent=permanent,
        )

    def classify(self, exc: BaseException) -> Failure:
        chain = list(_chain(exc))
        if any(_is_transient(e) for e in chain):
            return Failure.TRANSIENT
        if any(_is_permanent(e, self.permanent) for e in chain):
            return Failure.PERMANENT
        return Failure.UNKNOWN

    def is_transient(self, exc: BaseException) -> bool:
        return self.classify(exc) is Failure.TRANSIENT

    def backoff(self, attempt: int) -> float:
        """Seconds to wait after failed attempt ``attempt`` (1-based): exponential, capped,
        with up to ``initial`` of jitter (the same curve ``retrying`` waits on)."""
        return min(self.cap, self.initial * 2.0 ** (attempt - 1)) + random.uniform(0, self.initial)

    async def retrying(self, operation: Callable[[], Awaitable[T]], what: str) -> T:
        """Run ``operation``; retry it while it fails transiently, within the horizon; the
        last failure is raised as it is (a permanent or unknown one at once)."""

        def before_sleep(state: RetryCallState) -> None:
            assert state.outcome is not None and state.next_action is not None
            error = state.outcome.exception()
            assert error is not None
            log_transient(what, error, state.attempt_number, state.next_action.sleep)

        async for attempt in AsyncRetrying(
            retry=retry_if_exception(self.is_transient),
            wait=wait_exponential_jitter(initial=self.initial, max=self.cap, jitter=self.initial),
            stop=stop_after_delay(self.horizon),
            before_sleep=before_sleep,
            reraise=True,
        ):
            with attempt:
                return await operation()
        raise AssertionError("unreachable: AsyncRetrying returns or raises")


def log_transient(what: str, exc: BaseException, attempt: int, wait: float) -> None:
    """One WARNING line for a transient failure: no traceback, the error on one line."""
    logger.warning(
        "transient failure of %s (attempt %d): %s; retrying in %.1f s",
        what,
        attempt,
        one_line(exc),
        wait,
    )


def one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:300]}" if text else type(exc).__name__


@dataclass
class FaultInjection:
    """``INJECT_FAULTS``: ``EventName:transient:N`` (the first N attempts of each such event
    fail transiently) or ``EventName:permanent`` (every attempt fails permanently)."""

    rules: dict[str, tuple[str, int]] = field(default_factory=dict)
    attempts: dict[str, int] = field(default_factory=dict)

    @classmethod
    def parse(cls, spec: str) -> FaultInjection:
        rules: dict[str, tuple[str, int]] = {}
        for item in filter(None, (part.strip() for part in spec.split(","))):
            name, _, rest = item.partition(":")
            kind, _, times = rest.partition(":")
            if kind not in {"transient", "permanent"} or not (times or "1").isdigit():
                msg = (
                    f"INJECT_FAULTS: {item!r} is not EventName:transient[:N] or EventName:permanent"
                )
                raise ValueError(msg)
            rules[name] = (kind, int(times or 1))
        return cls(rules)

    def __bool__(self) -> bool:
        return bool(self.rules)

    def check(self, event_name: str, event_id: str) -> None:
        rule = self.rules.get(event_name)
        if rule is None:
            return
        kind, times = rule
        if kind == "permanent":
            raise InjectedPermanentFault(f"injected permanent fault on {event_name}")
        seen = self.attempts.get(event_id, 0)
        if seen < times:
            self.attempts[event_id] = seen + 1
            raise InjectedTransientFault(
                f"injected transient fault on {event_name} ({seen + 1} of {times})"
            )
