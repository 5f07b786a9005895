"""``LOG_JSON``: one JSON object per line with the saga's ids and the trace's (alpes.logs)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace import TracerProvider

from alpes.logs import configure, formatter, saga_context, saga_filter


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    """What a JSON handler, as ``configure`` sets it up, writes."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(saga_filter())
    handler.setFormatter(formatter("marca", json_lines=True))
    logger = logging.getLogger("alpes.test.logs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield out
    logger.removeHandler(handler)


def records(out: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_a_line_is_a_json_object_with_the_saga_ids_and_the_trace(lines: io.StringIO) -> None:
    tracer = TracerProvider().get_tracer("test")
    logger = logging.getLogger("alpes.test.logs")

    with (
        tracer.start_as_current_span("handler") as span,
        saga_context(id_saga="s-1", id_campana="c-1", id_correlacion="k-1"),
    ):
        logger.info("reserved %s", "1000")
    logger.warning("no saga, no span")

    first, second = records(lines)
    context = span.get_span_context()
    assert first == {
        "time": first["time"],
        "level": "INFO",
        "service": "marca",
        "logger": "alpes.test.logs",
        "message": "reserved 1000",
        "id_saga": "s-1",
        "id_campana": "c-1",
        "id_correlacion": "k-1",
        "trace_id": format(context.trace_id, "032x"),
        "span_id": format(context.span_id, "016x"),
    }
    assert str(first["time"]).endswith("+00:00")
    assert set(second) == {"time", "level", "service", "logger", "message"}


def test_an_exception_is_text_inside_the_one_line(lines: io.StringIO) -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("alpes.test.logs").exception("failed")

    [record] = records(lines)
    assert len(lines.getvalue().splitlines()) == 1
    assert record["level"] == "ERROR"
    assert "Traceback" in str(record["exc_info"]) and "ValueError: boom" in str(record["exc_info"])


def test_configure_reads_log_json_and_keeps_text_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        monkeypatch.setenv("LOG_JSON", "true")
        configure("tracking")
        assert type(root.handlers[0].formatter).__name__ == "JsonFormatter"
        monkeypatch.delenv("LOG_JSON")
        configure("tracking")
        assert type(root.handlers[0].formatter) is logging.Formatter
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
