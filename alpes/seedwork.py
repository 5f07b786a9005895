"""The domain's shared vocabulary: pure, no I/O, importable by every service's domain.

An aggregate is an :class:`AggregateRoot`: its ``version`` (optimistic locking) and the domain
events it has not published yet (``eventos``). A :class:`DomainError` is an error raised on
purpose, whose text an API may show; most carry their data as dataclass fields and say their
text with a template (:class:`NotFound`: there is no such thing). :class:`EventoDePaso` is an event of
a participant of the campaign saga about its step for one campaign; :class:`PasoRechazado`, the
one it publishes when it cannot do it.

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
import dataclasses
from collections.abc import Iterable
from datetime import datetime
from typing import Any, ClassVar, Generic, Protocol, TypeVar

Evento = TypeVar("Evento")


class Aggregate(Protocol):
    """What a unit of work collects: an object with pending domain events."""

    eventos: list[Any]


@dataclasses.dataclass(eq=False, kw_only=True)
class AggregateRoot(Generic[Evento]):
    """What every aggregate carries besides its own data: every method that changes it bumps
    ``version`` (optimistic locking), and ``eventos`` collects the domain events it has to
    publish (the unit of work takes them when it commits). Its states are compared with
    ``==``, so a plain string column stores them as well as an enum one."""

    version: int = 0
    eventos: list[Evento] = dataclasses.field(default_factory=list, repr=False)


@dataclasses.dataclass(frozen=True, kw_only=True)
class EventoDePaso:
    """An event of a participant of the campaign saga about its step for ``id_campana`` (done,
    refused, undone or closed); the campaign is the key of its messages."""

    id_campana: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class PasoRechazado(EventoDePaso):
    """The participant could not do its step: a business rule refused it, or (``tecnico``) it
    kept failing after its retries. The other participants compensate it as they would a
    cancellation."""

    motivo: str
    tecnico: bool


class DomainError(Exception):
    """An error a service raises on purpose (its domain's or its use cases'); its text is fit
    for an API's ``detail``.

    One with data is a dataclass: the fields are its data, and the class's ``template`` says
    its text, a ``str.format`` template over them in which a datetime reads as ISO 8601::

        @dataclass(eq=False)  # an error equals only itself, as every exception
        class MarcaInactiva(ErrorDominio, template="marca inactiva: {id_marca}"):
            id_marca: str

    One without data is a plain subclass, raised with its text.
    """

    template: ClassVar[str]

    def __init_subclass__(cls, template: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if template is not None:
            cls.template = template

    def __post_init__(self) -> None:
        datos = {campo: _legible(valor) for campo, valor in vars(self).items()}
        super().__init__(self.template.format_map(datos))


@dataclasses.dataclass(eq=False)
class NotFound(DomainError):
    """There is no such thing (HTTP 404): ``id`` is what was asked for, and each kind of thing
    says itself in its template (``template="No existe la marca {id}."``)."""

    id: str


def _legible(valor: object) -> object:
    return valor.isoformat() if isinstance(valor, datetime) else valor


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
