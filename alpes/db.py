"""Database access: the engine, and the unit of work that commits state, outbox and inbox together."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

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
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from contracts import encode, topic_for

if TYPE_CHECKING:
    from contracts import IntegrationEvent


def messaging_tables(metadata: MetaData) -> tuple[Table, Table]:
    """The outbox and inbox tables every service's schema has (and ``idempotencia``, the
    HTTP idempotency keys, see ``alpes.idempotency``)."""
    outbox = Table(
        "outbox",
        metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("id_evento", String(64), nullable=False, unique=True),
        Column("topic", Text, nullable=False),
        Column("clave", Text, nullable=False),
        Column("payload", LargeBinary, nullable=False),
        Column("propiedades", JSONB, nullable=False),
        Column("creado_en", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    inbox = Table(
        "inbox",
        metadata,
        Column("consumidor", String(100), primary_key=True),
        Column("id_mensaje", String(100), primary_key=True),
        Column("procesado_en", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Index("ix_inbox_procesado_en", "procesado_en"),
    )
    Table(
        "idempotencia",
        metadata,
        Column("clave", String(200), primary_key=True),
        Column("huella", String(64), nullable=False),
        Column("estado_http", Integer, nullable=False),
        Column("respuesta", JSONB, nullable=False),
        Column("creado_en", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Index("ix_idempotencia_creado_en", "creado_en"),
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
    sessions: async_sessionmaker[AsyncSession] = field(init=False)
    outbox_written: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def connect(
        cls, url: str, metadata: MetaData, *, pool_size: int = 10, namespace: str = "public/default"
    ) -> Database:
        # No pool_pre_ping: with asyncpg it costs three round trips per checkout. A dead
        # connection fails its transaction instead, which a message retry or the client
        # repeats; pool_recycle keeps connections from outliving server-side timeouts.
        engine = create_async_engine(
            url, pool_size=pool_size, max_overflow=pool_size, pool_recycle=1800
        )
        return cls(
            engine=engine,
            outbox=metadata.tables["outbox"],
            inbox=metadata.tables["inbox"],
            idempotency=metadata.tables["idempotencia"],
            namespace=namespace,
        )

    async def ping(self) -> bool:
        try:
            async with asyncio.timeout(2), self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception:  # any failure means not ready
            return False
        return True

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[UnitOfWork]:
        """One transaction: commit on success, roll back on any exception."""
        async with self.sessions() as session, session.begin():
            uow = UnitOfWork(session, self)
            yield uow
        if uow.wrote_outbox:
            self.outbox_written.set()


class UnitOfWork:
    """A transaction with two extras: outgoing events (outbox) and processed messages (inbox)."""

    def __init__(self, session: AsyncSession, db: Database) -> None:
        self.session = session
        self.db = db
        self.wrote_outbox = False

    async def publish(self, event: IntegrationEvent, *, key: str | None = None) -> None:
        """Queue ``event`` for publishing; it leaves only if this transaction commits."""
        payload, properties = encode(event)
        properties["id_saga"] = event.id_saga
        properties["id_correlacion"] = event.id_correlacion
        await self.session.execute(
            insert(self.db.outbox)
            .values(
                id_evento=event.id_evento,
                topic=topic_for(event, self.db.namespace),
                clave=key or event.id_campana,
                payload=payload,
                propiedades=properties,
            )
            .on_conflict_do_nothing(index_elements=["id_evento"])  # the same event, still queued
        )
        self.wrote_outbox = True

    async def first_time(self, consumer: str, message_id: str) -> bool:
        """Record ``message_id`` as processed by ``consumer``; False if it already was."""
        result = await self.session.execute(
            insert(self.db.inbox)
            .values(consumidor=consumer, id_mensaje=message_id)
            .on_conflict_do_nothing()
            .returning(self.db.inbox.c.id_mensaje)
        )
        return result.first() is not None
