"""Run a service's Alembic migrations at start, one replica at a time."""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine


async def upgrade(engine: AsyncEngine, script_location: Path, name: str) -> None:
    """``alembic upgrade head`` on ``engine``, under an advisory lock against racing replicas."""
    key = zlib.crc32(f"alpes-migrations-{name}".encode())
    async with engine.connect() as conn:
        await conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
        try:
            await conn.run_sync(_upgrade, script_location)
            await conn.commit()
        finally:
            await conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
            await conn.commit()


def _upgrade(connection: Any, script_location: Path) -> None:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


ENV_PY = '''"""Alembic environment: runs on the connection ``alpes.migrations.upgrade`` hands over."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
'''


OUTBOX_CHANNEL = "alpes_outbox"
"""The channel a commit that wrote outbox rows notifies (the relay listens on it)."""


def upgrade_reliability(op: Any) -> None:
    """Revision 0002 of every service: idempotency keys of HTTP writes, and a NOTIFY on
    ``alpes_outbox`` when a transaction commits outbox rows (one per transaction: PostgreSQL
    folds identical notifications), so the relay of any replica wakes at once."""
    import sqlalchemy as sa
    from sqlalchemy.dialects import postgresql

    op.create_table(
        "idempotencia",
        sa.Column("clave", sa.String(200), primary_key=True),
        sa.Column("huella", sa.String(64), nullable=False),
        sa.Column("estado_http", sa.Integer, nullable=False),
        sa.Column("respuesta", postgresql.JSONB, nullable=False),
        sa.Column(
            "creado_en", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )
    op.create_index("ix_idempotencia_creado_en", "idempotencia", ["creado_en"])
    op.execute(
        f"""
        CREATE FUNCTION alpes_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('{OUTBOX_CHANNEL}', '');
            RETURN NULL;
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER outbox_notify AFTER INSERT ON outbox"
        " FOR EACH STATEMENT EXECUTE FUNCTION alpes_outbox_notify()"
    )


def downgrade_reliability(op: Any) -> None:
    op.execute("DROP TRIGGER IF EXISTS outbox_notify ON outbox")
    op.execute("DROP FUNCTION IF EXISTS alpes_outbox_notify()")
    op.drop_table("idempotencia")


def add_tombstone_time(op: Any, table: str) -> None:
    """Revision 0003 of a participant: its tombstones (rows with ``estado =
    'cancelada_antes'``: a cancellation seen before ``CampanaCreada``) get a creation time, so
    ``alpes.retention`` can prune them after the inbox horizon; existing rows count from now."""
    import sqlalchemy as sa

    op.add_column(
        table,
        sa.Column(
            "creado_en", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )
    op.create_index(
        f"ix_{table}_lapidas",
        table,
        ["creado_en"],
        postgresql_where=sa.text("estado = 'cancelada_antes'"),
    )


def drop_tombstone_time(op: Any, table: str) -> None:
    op.drop_index(f"ix_{table}_lapidas", table_name=table)
    op.drop_column(table, "creado_en")
