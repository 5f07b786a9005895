"""HTTP plumbing every service shares: errors as stable 4xx, body limits, health, readiness."""

from __future__ import annotations

import abc
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .auth import PUBLIC
from .failures import Failure, FailurePolicy, one_line
from .logs import saga_context

logger = logging.getLogger("alpes.http")


def install_error_handlers(
    app: FastAPI, domain_errors: Mapping[type[Exception], int], failures: FailurePolicy
) -> None:
    """Domain errors become their status with ``{"detail": str(error)}``; a transient failure
    (the database unreachable, say) a 503 with ``Retry-After``; anything else a bare 500."""

    async def on_domain_error(request: Request, exc: Exception) -> JSONResponse:
        # the most specific class wins, whatever the mapping's order
        status = next(domain_errors[c] for c in type(exc).__mro__ if c in domain_errors)
        body: dict[str, Any] = {"detail": str(exc)}
        estado = getattr(exc, "estado_actual", None) or getattr(exc, "estado", None)
        if estado is not None:
            body["estado"] = str(getattr(estado, "value", estado))
        return JSONResponse(body, status_code=status)

    for error_type in domain_errors:
        app.add_exception_handler(error_type, on_domain_error)

    async def on_validation_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
        where = ".".join(str(p) for p in first["loc"] if p != "body") or "body"
        return JSONResponse(
            {"detail": f"{where}: {first['msg']}", "errors": errors}, status_code=422
        )

    app.add_exception_handler(RequestValidationError, on_validation_error)

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        if failures.classify(exc) is Failure.TRANSIENT:
            logger.warning(
                "%s %s: transient failure: %s", request.method, request.url.path, one_line(exc)
            )
            return JSONResponse(
                {"detail": "temporarily unavailable, retry later"},
                status_code=503,
                headers={"Retry-After": "1"},
            )
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "internal error"}, status_code=500)

    # The classes a transient failure comes as are registered by name: Starlette answers those
    # and is done, whereas what reaches the catch-all ``Exception`` handler is answered and
    # then raised again (a traceback, and the client's connection closed).
    for error_type in (SQLAlchemyError, OSError, TimeoutError):
        if error_type not in domain_errors:
            app.add_exception_handler(error_type, on_unexpected)
    app.add_exception_handler(Exception, on_unexpected)


class HttpMiddleware(abc.ABC):
    """A plain ASGI middleware: it handles HTTP requests (:meth:`http`) and passes anything else
    (the lifespan, say) through. FastAPI's ``@app.middleware("http")`` would halve throughput."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.http(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    @abc.abstractmethod
    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one HTTP request (``self.app`` is the rest of the application)."""


class BodyLimitMiddleware(HttpMiddleware):
    """Answers 413 to a request body larger than ``max_bytes`` (declared or streamed)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        super().__init__(app)
        self.max_bytes = max_bytes

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _too_large(send, self.max_bytes)
            return
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                # FastAPI passes an HTTPException raised while reading the body through
                raise HTTPException(413, f"request body larger than {self.max_bytes} bytes")
            return message

        await self.app(scope, limited_receive, send)


async def _too_large(send: Send, limit: int) -> None:
    body = b'{"detail":"request body larger than %d bytes"}' % limit
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class CorrelationMiddleware(HttpMiddleware):
    """Every request gets a correlation id (``X-Correlation-ID``, or a new one) in its logs."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        given = dict(scope.get("headers") or []).get(b"x-correlation-id")
        correlation = given.decode(errors="replace")[:100] if given else str(uuid.uuid4())
        scope.setdefault("state", {})["correlation_id"] = correlation

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-correlation-id", correlation.encode()))
                message = {**message, "headers": headers}
            await send(message)

        with saga_context(id_correlacion=correlation):
            await self.app(scope, receive, send_with_id)


def install_health(
    app: FastAPI,
    checks: Mapping[str, Callable[[], Awaitable[bool]]],
    details: Mapping[str, Callable[[], Awaitable[Any]]] | None = None,
) -> None:
    """``/health`` (liveness) and ``/ready`` (readiness: every check passes). ``details``
    add information to ``/ready``'s body (the outbox lag, say) that never makes it false:
    a detail that cannot be read is ``null``."""

    @app.get("/health", tags=["health"], openapi_extra=PUBLIC)
    async def health() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    @app.get("/ready", tags=["health"], openapi_extra=PUBLIC)
    async def ready() -> JSONResponse:
        """Readiness: every dependency really answers (database, broker); ``details`` inform."""
        results = {name: await check() for name, check in checks.items()}
        ok = all(results.values())
        body: dict[str, Any] = {"status": "ready" if ok else "not ready", "checks": results}
        if details:
            body["details"] = {name: await _detail(read) for name, read in details.items()}
        return JSONResponse(body, status_code=200 if ok else 503)


async def _detail(read: Callable[[], Awaitable[Any]]) -> Any:
    try:
        return await read()
    except Exception as exc:  # a detail informs; it never fails readiness
        logger.debug("readiness detail unavailable: %s", exc)
        return None


class PaginaOut(BaseModel):
    """What a page of a list says besides its items (``alpes.paging``)."""

    total: int = Field(
        description="how many match in all: exact up to 1,000, an estimate past that"
    )
    total_exacto: bool = Field(description="false when ``total`` is an estimate")
    siguiente: str | None = Field(
        description="the cursor of the next page (pass it as ``cursor``); null on the last"
    )
