"""Logging: one line per record, prefixed by service, with the saga's ids when there are any."""

from __future__ import annotations

import contextvars
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager

_saga: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "alpes_saga", default=None
)


@contextmanager
def saga_context(**ids: str | None) -> Iterator[None]:
    """Within this block, every log line carries these ids (id_saga, id_correlacion, ...)."""
    token = _saga.set({k: v for k, v in ids.items() if v})
    try:
        yield
    finally:
        _saga.reset(token)


class _SagaFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        ids = _saga.get() or {}
        record.saga = " [" + " ".join(f"{k}={v}" for k, v in ids.items()) + "]" if ids else ""
        return True


def configure(service: str, level: str = "INFO") -> None:
    """Log to stderr as ``time level service logger: message [ids]``."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_SagaFilter())
    handler.setFormatter(
        logging.Formatter(f"%(asctime)s %(levelname)-7s {service} %(name)s: %(message)s%(saga)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("uvicorn.access", "pulsar.client", "sqlalchemy.engine", "alembic"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
