"""The API documentation pages, served with local assets so that they work offline.

FastAPI's ``/docs`` and ``/redoc`` and FastStream's AsyncAPI page load their scripts and styles
from public CDNs: without the internet they are blank. :func:`install` serves the files
vendored in ``alpes/static/docs`` (Swagger UI's ``swagger-ui-dist`` and AsyncAPI's
``@asyncapi/react-component`` standalone bundle, both Apache-2.0; versions and how to refresh
them in ``alpes/static/docs/README.md``) under ``/static/docs/``, and ``/docs`` as a Swagger UI
page that loads only those. ``/asyncapi`` (``alpes.asyncapi.html``) loads only those too.

Every route here is public and outside the OpenAPI document, like the schema itself
(``/openapi.json``): documentation is not data.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.routing import BaseRoute, Route

STATIC = Path(__file__).resolve().parent / "static" / "docs"
"""The vendored assets' folder."""

PREFIX = "/static/docs"
"""Where :func:`install` mounts ``STATIC``."""
MOUNT_NAME = "docs-static"

SWAGGER_JS = "swagger-ui/swagger-ui-bundle.js"
SWAGGER_CSS = "swagger-ui/swagger-ui.css"
SWAGGER_FAVICON = "swagger-ui/favicon-32x32.png"
ASYNCAPI_JS = "asyncapi/index.js"
ASYNCAPI_CSS = "asyncapi/default.min.css"

SWAGGER_UI_PARAMETERS: dict[str, Any] = {
    "validatorUrl": None,  # no badge fetched from validator.swagger.io
    "persistAuthorization": True,  # the bearer token survives a reload of the page
}


def asset_url(name: str, root_path: str = "") -> str:
    """The URL path of vendored asset ``name`` (``SWAGGER_JS`` ...) behind ``root_path``."""
    return f"{root_path}{PREFIX}/{name}"


def install(app: FastAPI, *, asyncapi: Callable[[], dict[str, Any]] | None = None) -> None:
    """Serve the documentation of ``app`` offline: the vendored assets under ``/static/docs/``
    and ``/docs`` (Swagger UI over ``app.openapi_url``).

    FastAPI's own CDN pages (``docs_url``, ``redoc_url`` and the OAuth2 redirect) are removed
    if ``app`` was built with them; build it with ``docs_url=None, redoc_url=None``.
    ``asyncapi`` (the service's AsyncAPI document) adds ``/asyncapi`` and ``/asyncapi.json``
    for an app that does not serve them already. Installing twice changes nothing."""
    if any(getattr(route, "name", None) == MOUNT_NAME for route in app.router.routes):
        return
    _drop_cdn_pages(app)
    app.mount(PREFIX, StaticFiles(directory=STATIC), name=MOUNT_NAME)
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{openapi_url}",
            title=f"{app.title} - Swagger UI",
            swagger_js_url=asset_url(SWAGGER_JS, root),
            swagger_css_url=asset_url(SWAGGER_CSS, root),
            swagger_favicon_url=asset_url(SWAGGER_FAVICON, root),
            oauth2_redirect_url=None,
            swagger_ui_parameters=SWAGGER_UI_PARAMETERS,
        )

    if asyncapi is not None:
        document = asyncapi

        @app.get("/asyncapi.json", include_in_schema=False)
        async def asyncapi_json() -> JSONResponse:
            return JSONResponse(document())

        @app.get("/asyncapi", include_in_schema=False)
        async def asyncapi_html(request: Request) -> HTMLResponse:
            from .asyncapi import html

            return HTMLResponse(html(document(), root_path=request.scope.get("root_path", "")))


def _drop_cdn_pages(app: FastAPI) -> None:
    cdn = {app.docs_url, app.redoc_url}
    if app.docs_url and app.swagger_ui_oauth2_redirect_url:
        cdn.add(app.swagger_ui_oauth2_redirect_url)
    cdn.discard(None)
    app.router.routes[:] = [r for r in app.router.routes if not _serves(r, cdn)]
    app.docs_url = app.redoc_url = None


def _serves(route: BaseRoute, paths: set[str | None]) -> bool:
    return isinstance(route, Route) and route.path in paths
