"""The four services as the console calls them: one HTTP client, the caller's credentials
forwarded (so a brand's token sees only its brand), errors passed through as they are."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx
from fastapi import Request
from fastapi.responses import JSONResponse, Response

FORWARDED_HEADERS = ("authorization", "idempotency-key", "x-correlation-id")
"""What the console passes on from the browser's request to a service's."""


class Unreachable(Exception):
    """A service did not answer (refused, timed out)."""

    def __init__(self, service: str, url: str, error: Exception) -> None:
        super().__init__(f"{service} did not answer at {url}: {type(error).__name__}: {error}")
        self.service = service


class Upstream:
    """The services' base URLs and one pooled HTTP client for all of them."""

    def __init__(self, urls: Mapping[str, str], client: httpx.AsyncClient) -> None:
        self.urls = dict(urls)
        self.client = client

    async def call(
        self,
        service: str,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        timeout: float | None = None,
    ) -> httpx.Response:
        """``method path`` on ``service``; :class:`Unreachable` when it does not answer."""
        url = f"{self.urls[service]}{path}"
        query = {k: v for k, v in (params or {}).items() if v not in (None, "")}
        try:
            return await self.client.request(
                method,
                url,
                headers=dict(headers or {}),
                params=query,
                json=json,
                timeout=timeout if timeout is not None else self.client.timeout,
            )
        except httpx.HTTPError as exc:
            raise Unreachable(service, url, exc) from exc


def forwarded(request: Request) -> dict[str, str]:
    """The headers of the browser's request that go on to the service."""
    return {name: request.headers[name] for name in FORWARDED_HEADERS if name in request.headers}


def relay(response: httpx.Response, body: Any = None) -> Response:
    """The service's answer, as the console's: its status, its JSON (or ``body`` in its
    place), and the challenge of a 401 or the ``Retry-After`` of a 429/503."""
    headers = {
        name: response.headers[name]
        for name in ("www-authenticate", "retry-after")
        if name in response.headers
    }
    if response.status_code == 204:
        return Response(status_code=204, headers=headers)
    if body is None:
        try:
            body = response.json()
        except ValueError:
            body = {"detail": response.text or response.reason_phrase}
    return JSONResponse(body, status_code=response.status_code, headers=headers)


def unreachable(error: Unreachable) -> JSONResponse:
    return JSONResponse({"detail": str(error), "servicio": error.service}, status_code=502)
