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
