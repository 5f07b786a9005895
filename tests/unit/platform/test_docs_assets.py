"""The documentation pages work offline: ``/docs`` (Swagger UI) and ``/asyncapi`` load every
script, style and image from the service itself (``alpes.docs_assets``), and anyone may read
them, token or not, while they stay out of the OpenAPI document."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from fastapi import FastAPI

from alpes.asyncapi import html
from alpes.cli import create_app
from alpes.docs_assets import install
from alpes.settings import SERVICES, Settings
from tests.auth import TEST_KEY

BASE = "http://service.test"
PAGES = ("/docs", "/asyncapi")
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
ABSOLUTE = re.compile(r"\bhttps?://[^\s\"'<>)]+", re.IGNORECASE)
# Swagger UI's configuration names the schema in a script, not in an attribute
SCRIPT_URL = re.compile(r"""\burl:\s*['"]([^'"]+)['"]""")


class References(HTMLParser):
    """Every URL a page makes the browser load or offer: src, href, and Swagger UI's schema."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]

    def handle_data(self, data: str) -> None:
        self.urls += SCRIPT_URL.findall(data)


def references(page: str) -> list[str]:
    parser = References()
    parser.feed(page)
    return parser.urls


def service_app(service: str) -> FastAPI:
    """The service's app as ``alpes serve`` builds it, with authentication on, and its docs
    served offline (installing them again changes nothing once the app does it itself)."""
    app: FastAPI = create_app(service, Settings(service=service, auth_hs256_secret=TEST_KEY))
    install(app)
    return app


@pytest.fixture(params=sorted(SERVICES))
async def client(request: pytest.FixtureRequest) -> AsyncIterator[httpx.AsyncClient]:
    """A client without a token (no lifespan runs: the pages need neither broker nor database)."""
    transport = httpx.ASGITransport(app=service_app(request.param))
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as anonymous:
        yield anonymous


async def assets_of(client: httpx.AsyncClient, page: str) -> dict[str, httpx.Response]:
    """Every URL ``page`` references, fetched from the app, and what the styles reference."""
    r = await client.get(page)
    assert r.status_code == 200, (page, r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("text/html")
    fetched: dict[str, httpx.Response] = {}
    pending = [urljoin(BASE + page, url) for url in references(r.text)]
    assert pending, f"{page} references nothing"
    while pending:
        url = pending.pop()
        if url in fetched or url.startswith("data:"):
            continue
        assert urlsplit(url).netloc == urlsplit(BASE).netloc, f"{page} loads {url} from elsewhere"
        fetched[url] = response = await client.get(url)
        assert response.status_code == 200, (page, url, response.status_code)
        if response.headers["content-type"].startswith("text/css"):
            pending += [urljoin(url, ref) for ref in CSS_URL.findall(response.text)]
    return fetched


async def test_swagger_ui_loads_its_script_style_icon_and_schema_from_the_service(
    client: httpx.AsyncClient,
) -> None:
    fetched = await assets_of(client, "/docs")
    paths = {urlsplit(url).path: r for url, r in fetched.items()}
    assert set(paths) >= {
        "/static/docs/swagger-ui/swagger-ui-bundle.js",
        "/static/docs/swagger-ui/swagger-ui.css",
        "/static/docs/swagger-ui/favicon-32x32.png",
        "/openapi.json",
    }
    assert "SwaggerUIBundle" in paths["/static/docs/swagger-ui/swagger-ui-bundle.js"].text
    assert paths["/openapi.json"].json()["paths"], "the schema Swagger UI shows"


async def test_the_asyncapi_page_loads_the_standalone_component_from_the_service(
    client: httpx.AsyncClient,
) -> None:
    fetched = await assets_of(client, "/asyncapi")
    paths = {urlsplit(url).path: r for url, r in fetched.items()}
    assert set(paths) == {
        "/static/docs/asyncapi/index.js",
        "/static/docs/asyncapi/default.min.css",
    }
    assert "AsyncApiStandalone" in paths["/static/docs/asyncapi/index.js"].text
    assert paths["/static/docs/asyncapi/index.js"].headers["content-type"] in (
        "text/javascript; charset=utf-8",
        "application/javascript",
    )


@pytest.mark.parametrize("page", PAGES)
async def test_no_page_names_another_host(client: httpx.AsyncClient, page: str) -> None:
    text = (await client.get(page)).text
    elsewhere = [url for url in ABSOLUTE.findall(text) if urlsplit(url).netloc != "service.test"]
    assert not elsewhere, f"{page} names other hosts: {elsewhere[:5]}"


async def test_the_pages_are_public_and_outside_the_openapi_document(
    client: httpx.AsyncClient,
) -> None:
    for path in ("/docs", "/asyncapi", "/asyncapi.json", "/openapi.json"):
        assert (await client.get(path)).status_code == 200, path
    schema = (await client.get("/openapi.json")).json()
    assert not {p for p in schema["paths"] if p.startswith(("/docs", "/asyncapi", "/static"))}
    # authentication is still on for the API itself
    assert (await client.get("/health")).status_code in (200, 503)
    route = next(p for p, ops in schema["paths"].items() if ops.get("get", {}).get("security"))
    api = re.sub(r"\{[^}]+\}", "7d0c2e43-5c51-4c1e-9a43-0c1f6f8b2e7d", route)
    assert (await client.get(api)).status_code == 401, api


async def test_fastapis_cdn_pages_are_gone(client: httpx.AsyncClient) -> None:
    assert (await client.get("/redoc")).status_code == 404
    assert (await client.get("/docs/oauth2-redirect")).status_code == 404


async def test_a_bare_fastapi_app_gets_offline_docs_and_its_asyncapi_page() -> None:
    app = FastAPI(title="Bare")
    document = {"asyncapi": "3.0.0", "info": {"title": "Bare", "version": "1"}}
    install(app, asyncapi=lambda: document)
    install(app, asyncapi=lambda: document)  # twice: nothing more
    assert sum(getattr(r, "path", None) == "/docs" for r in app.router.routes) == 1
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as bare:
        for page in PAGES:
            assert await assets_of(bare, page)
        assert (await bare.get("/asyncapi.json")).json() == document


def test_a_document_cannot_close_the_pages_script() -> None:
    hostile = "</script><script>alert(1)</script>"
    page = html({"info": {"title": "<b>t</b>", "description": hostile}})
    assert hostile not in page
    assert "<b>t</b>" not in page
    assert page.count("</script>") == 2  # the bundle's element and the render call's
