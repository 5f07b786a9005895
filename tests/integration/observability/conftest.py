"""The four services in one test process, for what observability shows of a whole saga."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from alpes import telemetry
from alpes.settings import SERVICES
from tests.e2e.api import campaign_body
from tests.helpers import eventually
from tests.integration.conftest import RunningService, StartService

Platform = dict[str, RunningService]


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    """Every span of the services started in this test (tracing on: ``ALPES_TRACES``)."""
    exporter = InMemorySpanExporter()
    with telemetry.extra_processors(SimpleSpanProcessor(exporter)):
        yield exporter


async def start_platform(start_service: StartService, **settings: Any) -> Platform:
    return {name: await start_service(name, **settings) for name in SERVICES}


async def create_campaign(platform: Platform, **body: Any) -> dict[str, Any]:
    r = await platform["afiliaciones"].http.post(
        "/afiliaciones/campana", json=campaign_body(**body)
    )
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


async def saga_reaches(platform: Platform, id_campana: str, estado_saga: str) -> dict[str, Any]:
    async def reached() -> dict[str, Any] | None:
        r = await platform["afiliaciones"].http.get(f"/afiliaciones/campana/{id_campana}/saga")
        assert r.status_code == 200, r.text
        saga: dict[str, Any] = r.json()
        return saga if saga["estado_saga"] == estado_saga else None

    return await eventually(reached, timeout=45, interval=0.1, message=f"saga {estado_saga}")


async def inactive_brand(platform: Platform) -> str:
    marca = platform["marca"].http
    r = await marca.post("/marca/marcas", json={"nombre": "Inactiva", "presupuesto_total": 1e5})
    assert r.status_code == 201, r.text
    id_marca: str = r.json()["id_marca"]
    r = await marca.patch(f"/marca/marcas/{id_marca}", json={"activa": False})
    assert r.status_code == 200, r.text
    return id_marca
