"""Logging: one line per record, prefixed by service, with the saga's ids when there are any.

The default is text: ``time level service logger: message [ids]``. ``LOG_JSON=true`` makes
each line one JSON object (:class:`JsonFormatter`): ``time``, ``level``, ``service``,
``logger``, ``message``, the saga's ids (``id_saga``, ``id_campana``, ``id_correlacion``) when
there are some, ``trace_id`` and ``span_id`` when a span is active, ``exc_info`` as text,
and ``http`` on an access line (``LOG_ACCESS=true``, ``alpes.metrics``).
"""

from __future__ import annotations

import contextvars
import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

_saga: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "alpes_saga", default=None
)

_TRUE = {"1", "true", "yes", "on", "t", "y"}


@contextmanager
def saga_context(**ids: str | None) -> Iterator[None]:
    """Within this block, every log line carries these ids (id_saga, id_correlacion, ...)."""
    token = _saga.set({k: v for k, v in ids.items() if v})
    try:
        yield
    finally:
        _saga.reset(token)


def current_ids() -> dict[str, str]:
    """The saga's ids of the current context (empty outside one)."""
    return dict(_saga.get() or {})


class _SagaFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        ids = _saga.get() or {}
        record.saga = " [" + " ".join(f"{k}={v}" for k, v in ids.items()) + "]" if ids else ""
        record.saga_ids = ids
        return True


def _current_span_ids() -> tuple[str, str] | None:
    """The active span's trace and span ids (hex), if any; None without OpenTelemetry."""
    trace = sys.modules.get("opentelemetry.trace")
    if trace is None:  # never imported: tracing is off, so no span can be active
        return None
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return format(context.trace_id, "032x"), format(context.span_id, "016x")


class JsonFormatter(logging.Formatter):
    """One JSON object per record (``LOG_JSON=true``)."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "saga_ids", None) or _saga.get() or {})
        span = _current_span_ids()
        if span is not None:
            entry["trace_id"], entry["span_id"] = span
        http = getattr(record, "http", None)
        if http is not None:
            entry["http"] = http
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc_info"] = record.exc_text
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(service: str, level: str = "INFO", *, json_lines: bool | None = None) -> None:
    """Log to stderr as ``time level service logger: message [ids]``, or one JSON object per
    line with ``json_lines`` (None: as the ``LOG_JSON`` environment variable says)."""
    if json_lines is None:
        json_lines = os.environ.get("LOG_JSON", "").strip().lower() in _TRUE
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_SagaFilter())
    handler.setFormatter(formatter(service, json_lines=json_lines))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("uvicorn.access", "pulsar.client", "sqlalchemy.engine", "alembic"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))


def formatter(service: str, *, json_lines: bool = False) -> logging.Formatter:
    """The text formatter (the default) or the JSON one."""
    if json_lines:
        return JsonFormatter(service)
    return logging.Formatter(f"%(asctime)s %(levelname)-7s {service} %(name)s: %(message)s%(saga)s")


def saga_filter() -> logging.Filter:
    """The filter that gives a record the current saga's ids (a handler of one's own)."""
    return _SagaFilter()
