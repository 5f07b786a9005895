"""Database access: the engine, and the unit of work that commits state, outbox and inbox together."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, Insert, insert
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.sql.dml import ReturningInsert

from contracts import encode, topic_for

from . import seedwork, telemetry

if TYPE_CHECKING:
    from contracts import IntegrationEvent

    from .metrics import ServiceMetrics
    from .repository import Collect

R = TypeVar("R")


class Cause(Protocol):
    """What a unit of work reacts to (the message being handled): what it publishes in
    reply carries the same saga and correlation ids."""

    @property
    def id_saga(self) -> str: ...
    @property
    def id_correlacion(self) -> str: ...


Translate = Callable[[Any, "Cause | None"], "IntegrationEvent | None"]
"""A service's translation of one of its domain events into the integration event that
tells the others (None: the others need not know)."""


def service_metadata() -> MetaData:
    """A service's tables, to which it adds its own: so far those every service has
    (:func:`messaging_tables`)."""
    metadata = MetaData()
    messaging_tables(metadata)
    return metadata


def messaging_tables(metadata: MetaData) -> tuple[Table, Table]:
    """The outbox and inbox tables every service's schema has (and ``idempotency_keys``,
    the HTTP idempotency keys, see ``alpes.idempotency``). Plumbing, so English names
    (docs/conventions.md)."""
    outbox = Table(
        "outbox",
        metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("event_id", String(64), nullable=False, unique=True),
        Column("topic", Text, nullable=False),
        Column("key", Text, nullable=False),
        Column("payload", LargeBinary, nullable=False),
        Column("properties", JSONB, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    inbox = Table(
        "inbox",
        metadata,
        Column("consumer", String(100), primary_key=True),
        Column("message_id", String(100), primary_key=True),
        Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Index("ix_inbox_processed_at", "processed_at"),
    )
    Table(
        "idempotency_keys",
        metadata,
        Column("key", String(200), primary_key=True),
        Column("fingerprint", String(64), nullable=False),
        Column("status_code", Integer, nullable=False),
        Column("response", JSONB, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Index("ix_idempotency_keys_created_at", "created_at"),
    )
    return outbox, inbox


@dataclass
class Database:
    """One service's database: engine, sessions and its outbox/inbox tables."""

    engine: AsyncEngine
    outbox: Table
    inbox: Table
    idempotency: Table
    namespace: str = "public/default"
    unit_of_work_class: type[UnitOfWork] | None = None
    """The service's unit of work (its repositories); None: the bare one."""
    sessions: async_sessionmaker[AsyncSession] = field(init=False)
    outbox_insert: Insert = field(init=False)
    inbox_insert: ReturningInsert[Any] = field(init=False)
    outbox_written: asyncio.Event = field(default_factory=asyncio.Event)
    tracing: bool = False
    """Tracing is on: an outbox row keeps the trace context it was written in (``alpes.telemetry``)."""
    metrics: ServiceMetrics | None = None
    """The service's metrics, for what a unit of work observes once it commits."""

    def __post_init__(self) -> None:
        # built once: every message writes its inbox row and most write outbox rows, and an
        # insert built per call costs more Python than its round trip to PostgreSQL
        self.outbox_insert = insert(self.outbox).on_conflict_do_nothing(
            index_elements=["event_id"]  # the same event, still queued
        )
        self.inbox_insert = (
            insert(self.inbox).on_conflict_do_nothing().returning(self.inbox.c.message_id)
        )
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def connect(
        cls,
        url: str,
        metadata: MetaData,
        *,
        pool_size: int = 20,
        namespace: str = "public/default",
        unit_of_work: type[UnitOfWork] | None = None,
    ) -> Database:
        # No pool_pre_ping: with asyncpg it costs three round trips per checkout. A dead
        # connection fails its transaction instead, which a message retry or the client
        # repeats; pool_recycle keeps connections from outliving server-side timeouts. A
        # connection opened past the pool is closed as soon as it comes back (a PostgreSQL
        # backend forked per transaction at saturation), so the pool is sized for a service's
        # usual concurrency; the overflow stays, since a request may hold two connections at
        # once (its idempotency key and its work), and a pool without one could deadlock.
        engine = create_async_engine(
            url, pool_size=pool_size, max_overflow=pool_size, pool_recycle=1800
        )
        return cls(
            engine=engine,
            outbox=metadata.tables["outbox"],
            inbox=metadata.tables["inbox"],
            idempotency=metadata.tables["idempotency_keys"],
            namespace=namespace,
            unit_of_work_class=unit_of_work,
        )

    async def ping(self) -> bool:
        try:
            async with asyncio.timeout(2), self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception:  # any failure means not ready
            return False
        return True

    @asynccontextmanager
    async def unit_of_work(self, cause: Cause | None = None) -> AsyncIterator[Any]:
        """One transaction of the service's unit of work: on success the collected domain
        events go to the outbox and everything commits; any exception rolls it all back."""
        async with self.sessions() as session, session.begin():
            uow = (self.unit_of_work_class or UnitOfWork)(session, self, cause=cause)
            yield uow
            await uow.publish_collected()
        if uow.wrote_outbox:
            self.outbox_written.set()
        for observe in uow.after_commit:
            observe()


class UnitOfWork(seedwork.UnitOfWork):
    """A transaction with the service's repositories and three extras: the domain events
    of what the repositories stored go to the outbox when it commits (translated by the
    service's ``translate``), :meth:`publish` queues an integration event directly, and
    :meth:`first_time` records a processed message (inbox).

    A service subclasses it to name its repositories (:func:`repository`) and its translation;
    its use cases see only the protocol its application declares.
    """

    translate: ClassVar[Translate | None] = None
    metadata: ClassVar[MetaData]
    """The service's tables (``service_metadata``: with the outbox, inbox and idempotency keys)."""

    def __init__(self, session: AsyncSession, db: Database, *, cause: Cause | None = None) -> None:
        super().__init__()
        self.session = session
        self.db = db
        self.cause = cause
        self.wrote_outbox = False
        self.after_commit: list[Callable[[], None]] = []
        """What to do once the work committed (record a metric, say); never on a rollback."""

    async def publish_collected(self) -> None:
        """Queue the collected domain events, translated, in the outbox."""
        events = self.collected_events()
        if not events:
            return
        translate = type(self).translate
        if translate is None:
            raise TypeError(f"{type(self).__name__} collected events but names no translate")
        for event in events:
            contract = translate(event, self.cause)
            if contract is not None:
                await self.publish(contract)

    async def publish(self, event: IntegrationEvent, *, key: str | None = None) -> None:
        """Queue ``event`` for publishing; it leaves only if this transaction commits."""
        payload, properties = encode(event)
        properties["id_saga"] = event.id_saga
        properties["id_correlacion"] = event.id_correlacion
        if self.db.tracing:  # the relay publishes it as a child of the current span
            telemetry.inject(properties)
        await self.session.execute(
            self.db.outbox_insert,
            {
                "event_id": event.id_evento,
                "topic": topic_for(event, self.db.namespace),
                "key": key or event.id_campana,
                "payload": payload,
                "properties": properties,
            },
        )
        self.wrote_outbox = True

    async def first_time(self, consumer: str, message_id: str) -> bool:
        """Record ``message_id`` as processed by ``consumer``; False if it already was."""
        result = await self.session.execute(
            self.db.inbox_insert, {"consumer": consumer, "message_id": message_id}
        )
        return result.first() is not None


def repository(build: Callable[[AsyncSession, Collect], R]) -> cached_property[R]:
    """A repository of a :class:`UnitOfWork` subclass, built on the work's session, with its
    ``collect``, the first time a use case reaches it: ``marcas = repository(MarcaRepository)``."""

    def open_repository(uow: UnitOfWork) -> R:
        return build(uow.session, uow.collect)

    return cached_property(open_repository)
