"""The domain's shared vocabulary: pure, no I/O, importable by every service's domain.

An aggregate is an :class:`AggregateRoot`: its ``version`` (optimistic locking) and the domain
events it has not published yet (``eventos``). A :class:`DomainError` is an error raised on
purpose, whose text an API may show; most carry their data as dataclass fields and say their
text with a template (:class:`NotFound`: there is no such thing). :class:`EventoDePaso` is an event of
a participant of the campaign saga about its step for one campaign; :class:`PasoRechazado`, the
one it publishes when it cannot do it, and :class:`PasoLiberado` the one when it lets go of what
it held.

A business rule is a small object named by what must hold; ``violation()`` says what breaks
it (the domain error to raise) or ``None``. Aggregates check their rules with
:func:`check_rule` (one) or :func:`check_rules` (in order, the first broken one raises).

A participant of the campaign saga (marca, influencer, tracking) keeps what it did for each
campaign as a :class:`PasoDeSaga`: the saga's rules for it are stated there once (docs/saga.md),
and each participant says only what it holds and how it names its states (:class:`EstadosDePaso`).

A use case works through a :class:`UnitOfWork`: the service's repositories, one transaction,
and the domain events of every aggregate a repository stored, collected in the order they
were stored and published (to the outbox) when the work commits. A service's application
layer names its unit of work as a protocol (its repositories); the adapters implement it on
the database and the unit tests with dictionaries.
"""

from __future__ import annotations

import abc
import dataclasses
import enum
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, ClassVar, Concatenate, Generic, ParamSpec, Protocol, Self, TypeVar

Evento = TypeVar("Evento")
Estado = TypeVar("Estado", bound=enum.StrEnum)
Tenedor = TypeVar("Tenedor")
Paso = TypeVar("Paso")
Datos = ParamSpec("Datos")

MOTIVO_FINALIZADA = "campana finalizada"
"""Why a participant's step ends when its campaign finishes."""


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


@dataclasses.dataclass(frozen=True, kw_only=True)
class PasoLiberado(EventoDePaso):
    """The participant let go of what it held for the campaign, for ``motivo``: it compensated
    a cancellation or another participant's failure (empty when it held nothing, as a
    tombstone's answer), or the campaign finished."""

    motivo: str


@dataclasses.dataclass
class EstadosDePaso(Generic[Estado]):
    """The states of a participant's step (:class:`PasoDeSaga`), by what they mean to the saga.

    A participant names three its own way: ``retiene`` (it holds something for the campaign:
    the only state that is not final), ``liberado`` (compensated: it gave back what it held)
    and ``finalizado`` (the campaign finished). The other two are its enum's members
    ``rechazada`` (its step was refused, or failed) and ``cancelada_antes`` (a tombstone: the
    cancellation came before ``CampanaCreada``), named alike by every participant.
    """

    retiene: Estado
    liberado: Estado
    finalizado: Estado
    rechazado: Estado = dataclasses.field(init=False)
    cancelado_antes: Estado = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        estados = type(self.retiene)
        self.rechazado = estados("rechazada")
        self.cancelado_antes = estados("cancelada_antes")


@dataclasses.dataclass(eq=False, kw_only=True)
class PasoDeSaga(AggregateRoot[Evento], abc.ABC, Generic[Estado, Evento, Tenedor]):
    """What a participant of the campaign saga did for one campaign (its step), keyed by
    ``id_campana``, and the saga's rules for it (docs/saga.md):

    - the first outcome stands: a stored step means ``CampanaCreada``, or its technical
      failure, has nothing left to do (:func:`first_outcome_stands`);
    - a cancellation, or another participant's failure, makes the step give back what it
      holds, once (``compensar``); before ``CampanaCreada`` it leaves a tombstone
      (``cancelada_antes``) that publishes an empty release, and that the late
      ``CampanaCreada`` finds;
    - ``CampanaFinalizada`` ends the hold (``finalizar``) and leaves no tombstone.

    A participant says how it names its states (``estados``) and what it holds: how it gives it
    back (``_devolver``, to a ``Tenedor``: the brand, the influencers; tracking holds its codes
    itself) and the events that say so (``_liberado``, ``_finalizado``, ``_rechazo``). Its own
    fields need defaults: a step that holds nothing has only those given to it.
    """

    estados: ClassVar[EstadosDePaso[Any]]

    id_campana: str
    estado: Estado
    motivo: str | None = None

    # --- the saga's events ---

    @classmethod
    def when_campana_cancelada(
        cls, paso: Self | None, id_campana: str, motivo: str, tenedor: Tenedor | None = None
    ) -> Self:
        """Give back what the step holds, once (``tenedor`` is needed only while it
        ``retiene``); before ``CampanaCreada``, leave a tombstone. A refused, released,
        finished or tombstoned step does nothing more."""
        if paso is None:
            return cls.cancelada_antes(id_campana, motivo)
        paso.compensar(motivo, tenedor)
        return paso

    @classmethod
    def when_campana_finalizada(cls, paso: Self | None, tenedor: Tenedor | None = None) -> None:
        """The campaign finished: the step ends its hold. Of a campaign never seen, nothing is
        stored: unlike a cancellation, a finalization leaves no tombstone."""
        if paso is not None:
            paso.finalizar(tenedor)

    # --- the states ---

    @classmethod
    def cancelada_antes(cls, id_campana: str, motivo: str) -> Self:
        """Tombstone: cancelled before ``CampanaCreada``; publishes an empty release once."""
        paso = cls(id_campana=id_campana, estado=cls.estados.cancelado_antes, motivo=motivo)
        paso.eventos.append(paso._liberado(motivo))
        return paso

    @classmethod
    def rechazada(cls, id_campana: str, motivo: str, *, tecnico: bool, **suyo: Any) -> Self:
        """The step was refused by a business rule, or (``tecnico``) kept failing: final, it
        holds nothing and publishes its rejection once."""
        paso = cls(id_campana=id_campana, estado=cls.estados.rechazado, motivo=motivo, **suyo)
        paso.eventos.append(paso._rechazo(motivo, tecnico))
        return paso

    @property
    def retiene(self) -> bool:
        """True while the step holds something for the campaign: only then does a release
        need the ``Tenedor`` (the adapter loads it)."""
        return bool(self.estado == self.estados.retiene)  # ``estados`` is typed per participant

    def compensar(self, motivo: str, tenedor: Tenedor | None = None) -> None:
        """Give back what the step holds and publish it. No-op unless it ``retiene``."""
        if self.retiene:
            self._devolver(tenedor)
            self._pasar_a(self.estados.liberado, motivo, self._liberado(motivo))

    def finalizar(self, tenedor: Tenedor | None = None) -> None:
        """The campaign finished: end the hold and publish it. No-op unless it ``retiene``."""
        if self.retiene:
            self._cerrar(tenedor)
            self._pasar_a(self.estados.finalizado, MOTIVO_FINALIZADA, self._finalizado())

    def _pasar_a(self, estado: Estado, motivo: str, evento: Evento) -> None:
        self.estado = estado
        self.motivo = motivo
        self.version += 1
        self.eventos.append(evento)

    # --- what the participant holds ---

    @abc.abstractmethod
    def _devolver(self, tenedor: Tenedor | None) -> None:
        """Give back what the step holds (to ``tenedor``)."""

    def _cerrar(self, tenedor: Tenedor | None) -> None:
        """What the campaign's end does to what the step holds: it gives it back."""
        self._devolver(tenedor)

    @abc.abstractmethod
    def _liberado(self, motivo: str) -> Evento:
        """The event of a release (empty for a tombstone)."""

    def _finalizado(self) -> Evento:
        """The event of the campaign's end: a release, ``MOTIVO_FINALIZADA``."""
        return self._liberado(MOTIVO_FINALIZADA)

    @abc.abstractmethod
    def _rechazo(self, motivo: str, tecnico: bool) -> Evento:
        """The participant's ``PasoRechazado``."""


def first_outcome_stands(
    create: Callable[Datos, Paso],
) -> Callable[Concatenate[Paso | None, Datos], Paso]:
    """A participant's reaction that creates its step for a campaign with ``create`` (its
    outcome of ``CampanaCreada``, or the technical failure of it), unless the campaign has a
    stored step: then the first outcome stands (a duplicate, a cancellation seen first, an
    outcome the failure came after) and the stored step is the answer, unchanged."""

    def reaction(stored: Paso | None, /, *args: Datos.args, **kwargs: Datos.kwargs) -> Paso:
        if stored is not None:
            return stored
        return create(*args, **kwargs)

    return reaction


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
