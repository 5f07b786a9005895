"""A saga's log lines as JSON (``LOG_JSON``): its ids and its trace id on the lines of every
service; an access line per request with ``LOG_ACCESS`` (docs/observability.md)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from alpes.logs import formatter, saga_filter
from tests.integration.conftest import StartService
from tests.integration.observability.conftest import create_campaign, saga_reaches, start_platform


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """The root logger's JSON lines (as ``LOG_JSON=true`` configures it) during the test."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(saga_filter())
    handler.setFormatter(formatter("test", json_lines=True))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    quiet = [logging.getLogger(n) for n in ("sqlalchemy.engine", "pulsar", "alembic", "asyncio")]
    for logger in quiet:
        logger.setLevel(logging.WARNING)
    yield out
    root.removeHandler(handler)
    root.setLevel(level)


def parsed(out: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]  # every line is JSON


async def test_a_sagas_json_lines_carry_its_ids_and_its_trace_id(
    start_service: StartService, spans: InMemorySpanExporter, json_lines: io.StringIO
) -> None:
    platform = await start_platform(start_service, alpes_traces=True, log_access=True)

    campaign = await create_campaign(platform)
    saga = await saga_reaches(platform, campaign["id"], "completada")

    lines = parsed(json_lines)
    of_saga = [x for x in lines if x.get("id_saga") == saga["id_saga"]]
    handled = [x for x in of_saga if x["logger"].startswith("alpes.messaging")]
    assert handled, "no handler line of the saga"
    assert {x["id_campana"] for x in handled} == {campaign["id"]}
    traced = {x["trace_id"] for x in of_saga if "trace_id" in x}
    [request] = [
        s for s in spans.get_finished_spans()
        if s.attributes and s.attributes.get("http.route") == "/afiliaciones/campana"
    ]  # fmt: skip
    assert traced == {format(request.context.trace_id, "032x")}
    # the access line of the request that created it
    [access] = [
        x for x in lines
        if x["logger"] == "alpes.access" and x["http"]["path"] == "/afiliaciones/campana"
    ]  # fmt: skip
    assert access["http"]["method"] == "POST" and access["http"]["status"] == 201
    assert access["http"]["duration_ms"] > 0
    assert access["trace_id"] == format(request.context.trace_id, "032x")
