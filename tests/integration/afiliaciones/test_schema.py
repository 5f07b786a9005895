"""The migration builds exactly the schema the code maps (``adapters.orm.metadata``)."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from afiliaciones_svc.adapters.orm import metadata
from tests.integration.conftest import RunningService


async def test_the_migrated_schema_matches_the_tables_in_code(
    afiliaciones: RunningService,
) -> None:
    def diff(connection: Any) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))

    async with afiliaciones.service.db.engine.connect() as conn:
        differences = await conn.run_sync(diff)

    assert differences == []
