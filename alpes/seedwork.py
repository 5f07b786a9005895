"""The domain's shared vocabulary: pure, no I/O, importable by every service's domain.

A business rule is a small object named by what must hold; ``violation()`` says what breaks
it (the domain error to raise) or ``None``. Aggregates check their rules with
:func:`check_rule` (one) or :func:`check_rules` (in order, the first broken one raises).

A use case works through a :class:`UnitOfWork`: the service's repositories, one transaction,
and the domain events of every aggregate a repository stored, collected in the order they
were stored and published (to the outbox) when the work commits. A service's application
layer names its unit of work as a protocol (its repositories); the adapters implement it on
the database and the unit tests with dictionaries.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable
from typing import Any, Protocol


class Aggregate(Protocol):
    """What a unit of work collects: an object with pending domain events."""

    eventos: list[Any]


class UnitOfWork:
    """The events side of a unit of work: repositories ``collect`` what they store, and the
    work takes the pending events off those aggregates when it commits."""

    def __init__(self) -> None:
        self._stored: list[Aggregate] = []

    def collect(self, aggregate: Aggregate) -> None:
        """Publish ``aggregate``'s pending events when the work commits (once, however often
        it is stored)."""
        if not any(a is aggregate for a in self._stored):
            self._stored.append(aggregate)

    def collected_events(self) -> list[Any]:
        """The pending events of the stored aggregates, in the order the aggregates were
        first stored; taken off the aggregates."""
        events: list[Any] = []
        for aggregate in self._stored:
            events.extend(aggregate.eventos)
            aggregate.eventos.clear()
        return events


class BusinessRule(abc.ABC):
    """A rule of the domain; ``violation()`` is the error that breaks it, or None."""

    @abc.abstractmethod
    def violation(self) -> Exception | None: ...


class ConcurrencyConflict(Exception):
    """Another transaction changed the aggregate since it was read (an optimistic lock):
    doing the whole operation again will work. Every repository raises this one error."""


def check_rule(rule: BusinessRule) -> None:
    """Raise the rule's error when it is broken."""
    error = rule.violation()
    if error is not None:
        raise error


def check_rules(rules: Iterable[BusinessRule]) -> None:
    """Check ``rules`` in order; the first broken one raises."""
    for rule in rules:
        check_rule(rule)
