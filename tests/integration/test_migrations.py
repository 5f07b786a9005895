"""Every service migrates an empty database to exactly the tables its code maps (with the shared
Alembic environment, ``alpes/migrations_env``, and its own revisions), and a second replica
starts on that database, already at head, without touching it."""

from __future__ import annotations

from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, text

from alpes.cli import create_app
from alpes.migrations import config
from alpes.settings import SERVICES
from tests.integration.conftest import StartService


def differences(connection: Any, metadata: MetaData) -> list[Any]:
    """What autogenerate would write to bring the database to ``metadata``, types and server
    defaults included."""
    opts = {"compare_type": True, "compare_server_default": True}
    return list(compare_metadata(MigrationContext.configure(connection, opts=opts), metadata))


@pytest.mark.parametrize("servicio", sorted(SERVICES))
async def test_a_service_migrates_an_empty_database_and_starts_again_on_it_at_head(
    start_service: StartService, servicio: str
) -> None:
    primera = (await start_service(servicio)).app
    # its own topics: what is under test is the database, not two replicas' subscriptions
    settings = primera.state.service.settings
    segunda = create_app(
        servicio, settings.model_copy(update={"topic_namespace": f"{settings.topic_namespace}b"})
    )
    async with segunda.router.lifespan_context(segunda):
        for app in (primera, segunda):
            service = app.state.service
            head = ScriptDirectory.from_config(config(service.migrations)).get_current_head()
            async with service.db.engine.connect() as conn:
                version = await conn.execute(text("SELECT version_num FROM alembic_version"))
                assert version.all() == [(head,)]
                assert await conn.run_sync(differences, service.db.outbox.metadata) == []


async def test_the_messaging_tables_keep_their_rows_when_renamed_to_english(
    start_service: StartService,
) -> None:
    """A database from before the rename (the revision below head) keeps its inbox, outbox
    and idempotency rows through ``english_messaging_tables``, and back."""
    service = (await start_service("marca")).service
    cfg = config(service.migrations)

    def migrate(connection: Any, target: str, down: bool = False) -> None:
        cfg.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(cfg, target)

    async with service.db.engine.begin() as conn:
        await conn.run_sync(migrate, "0003_retention", True)  # the revision before the rename
        await conn.execute(
            text("INSERT INTO inbox (consumidor, id_mensaje) VALUES ('marca', 'm-1')")
        )
        await conn.execute(
            text(
                "INSERT INTO outbox (id_evento, topic, clave, payload, propiedades)"
                " VALUES ('e-1', 't', 'c-1', '\\x00', '{}')"
            )
        )
        await conn.execute(
            text(
                "INSERT INTO idempotencia (clave, huella, estado_http, respuesta)"
                " VALUES ('k-1', 'h', 201, '{}')"
            )
        )
        await conn.run_sync(migrate, "head")
        rows = await conn.execute(
            text(
                "SELECT (SELECT message_id FROM inbox WHERE consumer = 'marca'),"
                " (SELECT key FROM outbox WHERE event_id = 'e-1'),"
                " (SELECT status_code FROM idempotency_keys WHERE key = 'k-1')"
            )
        )
        assert rows.one() == ("m-1", "c-1", 201)
        assert await conn.run_sync(differences, service.db.outbox.metadata) == []
