"""The domain's shared vocabulary: pure, no I/O, importable by every service's domain.

A business rule is a small object named by what must hold; ``violation()`` says what breaks
it (the domain error to raise) or ``None``. Aggregates check their rules with
:func:`check_rule` (one) or :func:`check_rules` (in order, the first broken one raises).
"""

from __future__ import annotations

import abc
from collections.abc import Iterable


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
