"""The service as a whole: its schema is what the migration made, its documents are served."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tests.integration.conftest import RunningService
from tracking_svc.adapters.orm import metadata


async def test_the_migration_creates_exactly_the_tables_of_the_orm(
    tracking: RunningService,
) -> None:
    def diferencias(connection: Any) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return [d for d in compare_metadata(context, metadata) if "alembic_version" not in str(d)]

    async with tracking.service.db.engine.connect() as conn:
        assert await conn.run_sync(diferencias) == []


async def test_ready_openapi_and_asyncapi(tracking: RunningService) -> None:
    assert (await tracking.http.get("/ready")).json()["status"] == "ready"
    paths = (await tracking.http.get("/openapi.json")).json()["paths"]
    assert {"/tracking/evento", "/tracking/eventos", "/tracking/eventos/{id_campana}",
            "/tracking/metricas/{id_campana}", "/tracking/metricas/marca/{id_marca}",
            "/tracking/campanas/{id_campana}/codigos"} <= set(paths)  # fmt: skip
    canales = (await tracking.http.get("/asyncapi.json")).json()["channels"]
    assert set(canales["tracking:eventos"]["messages"]) == {
        "TrackingHabilitado", "HabilitacionTrackingRechazada", "TrackingDeshabilitado"
    }  # fmt: skip
    assert set(canales["tracking:alpes.afiliaciones.eventos"]["messages"]) == {
        "CampanaCreada", "CampanaCancelada", "CampanaFinalizada"
    }  # fmt: skip
