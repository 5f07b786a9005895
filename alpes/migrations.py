"""Run a service's Alembic migrations at start, one replica at a time, and the pieces of schema
every service's revisions share.

The Alembic environment (``env.py``, ``script.py.mako``) is one for all services, in
``alpes/migrations_env``; a service keeps only its revisions, in ``<service>/migrations/versions``.
The helpers below are frozen history: a revision that called one must create the same schema
for ever, so a change to a table in code is a new revision, never an edit here.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command, op
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

ENVIRONMENT = Path(__file__).resolve().parent / "migrations_env"
"""The Alembic script location of every service: ``env.py`` and ``script.py.mako``."""


async def upgrade(engine: AsyncEngine, migrations: Path, name: str) -> None:
    """``alembic upgrade head`` on ``engine`` with the revisions in ``migrations/versions``,
    under an advisory lock against racing replicas."""
    key = zlib.crc32(f"alpes-migrations-{name}".encode())
    async with engine.connect() as conn:
        await conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
        try:
            await conn.run_sync(_upgrade, migrations)
            await conn.commit()
        finally:
            await conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
            await conn.commit()


def config(migrations: Path) -> Config:
    """The Alembic configuration of the service whose revisions are in ``migrations/versions``
    (``alembic.command.revision(config(...), ...)`` writes a new one there)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(ENVIRONMENT))
    cfg.set_main_option("version_path_separator", "os")
    cfg.set_main_option("version_locations", str(migrations / "versions"))
    return cfg


def _upgrade(connection: Any, migrations: Path) -> None:
    cfg = config(migrations)
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "head")


Step = tuple[Callable[[], None], Callable[[], None]]
"""The ``upgrade`` and ``downgrade`` of a revision that is one shared step, so that the
revision reads ``upgrade, downgrade = reliability()``."""


def shared_step(upgrade: Callable[..., None], downgrade: Callable[..., None], *args: Any) -> Step:
    """A revision's two functions doing ``upgrade(op, *args)`` and ``downgrade(op, *args)``."""

    def upgrade_step() -> None:
        upgrade(op, *args)

    def downgrade_step() -> None:
        downgrade(op, *args)

    return upgrade_step, downgrade_step


def reliability() -> Step:
    """Revision 0002 of every service (see :func:`upgrade_reliability`)."""
    return shared_step(upgrade_reliability, downgrade_reliability)


def tombstone_time(table: str) -> Step:
    """Revision 0003 of a participant (see :func:`add_tombstone_time`)."""
    return shared_step(add_tombstone_time, drop_tombstone_time, table)


def english_names() -> Step:
    """The revision that renames the messaging tables (see :func:`english_messaging_tables`)."""
    return shared_step(english_messaging_tables, spanish_messaging_tables)


def create_messaging_tables(op: Any) -> None:
    """Revision 0001 of every service: the outbox and the inbox (``alpes.db.messaging_tables``
    as it was then)."""
    import sqlalchemy as sa
    from sqlalchemy.dialects import postgresql

    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("id_evento", sa.String(64), nullable=False, unique=True),
        sa.Column("topic", sa.Text, nullable=False),
        sa.Column("clave", sa.Text, nullable=False),
        sa.Column("payload", sa.LargeBinary, nullable=False),
        sa.Column("propiedades", postgresql.JSONB, nullable=False),
        sa.Column(
            "creado_en", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )
    op.create_table(
        "inbox",
        sa.Column("consumidor", sa.String(100), primary_key=True),
        sa.Column("id_mensaje", sa.String(100), primary_key=True),
        sa.Column(
            "procesado_en", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )
    op.create_index("ix_inbox_procesado_en", "inbox", ["procesado_en"])


def drop_messaging_tables(op: Any) -> None:
    op.drop_table("inbox")
    op.drop_table("outbox")


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


_RENAMES = {
    "outbox": {
        "id_evento": "event_id",
        "clave": "key",
        "propiedades": "properties",
        "creado_en": "created_at",
    },
    "inbox": {"consumidor": "consumer", "id_mensaje": "message_id", "procesado_en": "processed_at"},
    "idempotency_keys": {
        "clave": "key",
        "huella": "fingerprint",
        "estado_http": "status_code",
        "respuesta": "response",
        "creado_en": "created_at",
    },
}
_RENAMED_INDEXES = {
    "outbox_id_evento_key": "outbox_event_id_key",
    "ix_inbox_procesado_en": "ix_inbox_processed_at",
    "idempotencia_pkey": "idempotency_keys_pkey",
    "ix_idempotencia_creado_en": "ix_idempotency_keys_created_at",
}


def english_messaging_tables(op: Any) -> None:
    """The outbox, inbox and idempotency tables are plumbing: English names, like the code
    that uses them (docs/conventions.md). Renames only: no row is rewritten."""
    op.rename_table("idempotencia", "idempotency_keys")
    for table, columns in _RENAMES.items():
        for old, new in columns.items():
            op.alter_column(table, old, new_column_name=new)
    for old, new in _RENAMED_INDEXES.items():
        op.execute(f"ALTER INDEX {old} RENAME TO {new}")


def spanish_messaging_tables(op: Any) -> None:
    for old, new in _RENAMED_INDEXES.items():
        op.execute(f"ALTER INDEX {new} RENAME TO {old}")
    for table, columns in _RENAMES.items():
        for old, new in columns.items():
            op.alter_column(table, new, new_column_name=old)
    op.rename_table("idempotency_keys", "idempotencia")
