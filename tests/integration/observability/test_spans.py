"""The two span makers of ``alpes.telemetry``, against a real PostgreSQL and a real ASGI stack:
what an operator reads in a trace viewer (names, attributes, error status, parentage)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from alpes.infra import EmbeddedPostgres
from alpes.telemetry import ServerSpanMiddleware, SqlSpans, quiet

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_ID = "00f067aa0ba902b7"


@pytest.fixture
def spans() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def provider(spans: InMemorySpanExporter) -> TracerProvider:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    return provider


@pytest.fixture
async def engine(
    postgres: EmbeddedPostgres, provider: TracerProvider, spans: InMemorySpanExporter
) -> AsyncIterator[AsyncEngine]:
    database = f"spans_{uuid.uuid4().hex[:8]}"
    postgres.create_database(database)
    engine = create_async_engine(postgres.url(database))
    SqlSpans(provider.get_tracer("test.sql"), engine)
    async with engine.connect():  # the dialect's own first queries (its version, say)
        pass
    spans.clear()
    try:
        yield engine
    finally:
        await engine.dispose()


def only(spans: InMemorySpanExporter, kind: SpanKind) -> list[ReadableSpan]:
    return [s for s in spans.get_finished_spans() if s.kind is kind]


async def test_a_statement_is_a_client_span_named_by_its_operation(
    engine: AsyncEngine, spans: InMemorySpanExporter
) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE t (n int)"))
        await connection.execute(text("INSERT INTO t VALUES (:n)"), [{"n": 1}, {"n": 2}])
        assert (await connection.execute(text("SELECT count(*) FROM t"))).scalar() == 2

    names = [s.name for s in only(spans, SpanKind.CLIENT)]
    database = engine.url.database
    assert f"CREATE {database}" in names
    assert f"INSERT {database}" in names  # executemany: one span for the batch
    select = next(s for s in only(spans, SpanKind.CLIENT) if s.name == f"SELECT {database}")
    assert select.attributes == {
        "db.system": "postgresql",
        "db.namespace": database,
        "db.query.text": "SELECT count(*) FROM t",
    }
    assert select.status.status_code is StatusCode.UNSET


async def test_a_failing_statement_is_an_error_span_and_the_error_reaches_the_caller(
    engine: AsyncEngine, spans: InMemorySpanExporter
) -> None:
    async with engine.connect() as connection:
        with pytest.raises(DBAPIError, match="division by zero"):
            await connection.execute(text("SELECT 1 / 0"))

    [failed] = only(spans, SpanKind.CLIENT)
    assert failed.status.status_code is StatusCode.ERROR
    assert "division by zero" in (failed.status.description or "")
    assert failed.end_time is not None


async def test_no_span_while_the_instrumentation_is_quiet(
    engine: AsyncEngine, spans: InMemorySpanExporter
) -> None:
    async with engine.connect() as connection:
        with quiet(True):
            await connection.execute(text("SELECT 1"))
        await connection.execute(text("SELECT 2"))

    assert [(s.attributes or {}).get("db.query.text") for s in only(spans, SpanKind.CLIENT)] == [
        "SELECT 2"
    ]


@pytest.fixture
def app(provider: TracerProvider, engine: AsyncEngine) -> FastAPI:
    app = FastAPI()

    @app.get("/things/{n}")
    async def thing(n: int) -> dict[str, int]:
        async with engine.connect() as connection:
            result = await connection.execute(text("SELECT CAST(:n AS int)"), {"n": n})
            return {"n": result.scalar_one()}

    @app.get("/broken")
    async def broken() -> None:
        raise RuntimeError("boom")

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    app.add_middleware(ServerSpanMiddleware, tracer=provider.get_tracer("test.http"))
    return app


async def test_a_request_is_a_server_span_by_route_that_parents_its_queries(
    app: FastAPI, spans: InMemorySpanExporter
) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        assert (await c.get("/things/7")).json() == {"n": 7}
        assert (await c.get("/health")).status_code == 200  # probes are not traced

    [server] = only(spans, SpanKind.SERVER)
    assert server.name == "GET /things/{n}"
    assert server.attributes == {
        "http.request.method": "GET",
        "url.path": "/things/7",
        "http.route": "/things/{n}",
        "http.response.status_code": 200,
    }
    [query] = only(spans, SpanKind.CLIENT)
    assert query.parent is not None and server.context is not None
    assert query.parent.span_id == server.context.span_id
    assert query.context is not None and query.context.trace_id == server.context.trace_id


async def test_a_request_with_a_traceparent_continues_the_callers_trace(
    app: FastAPI, spans: InMemorySpanExporter
) -> None:
    traceparent = f"00-{TRACE_ID}-{PARENT_ID}-01"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        await c.get("/things/1", headers={"traceparent": traceparent})

    [server] = only(spans, SpanKind.SERVER)
    assert server.context is not None and format(server.context.trace_id, "032x") == TRACE_ID
    assert server.parent is not None and format(server.parent.span_id, "016x") == PARENT_ID


async def test_a_failing_request_is_an_error_span_with_its_exception(
    app: FastAPI, spans: InMemorySpanExporter
) -> None:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        assert (await c.get("/broken")).status_code == 500

    [server] = only(spans, SpanKind.SERVER)
    assert server.name == "GET /broken"
    assert server.status.status_code is StatusCode.ERROR
    assert (server.attributes or {})["http.response.status_code"] == 500
    assert [e.attributes["exception.type"] for e in server.events if e.attributes] == [
        "RuntimeError"
    ]
