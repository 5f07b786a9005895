"""The documentation pages render in a real browser with the internet cut off: headless
Chromium (Debian's ``chromium``) loads ``/docs`` and ``/asyncapi`` of a service, every request
to another host is refused, and the pages still show the API's operations and the events."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from playwright.sync_api import Page, Route, sync_playwright

from alpes.cli import create_app
from alpes.docs_assets import install
from alpes.infra import free_port
from alpes.settings import Settings
from tests.auth import TEST_KEY


@pytest.fixture(scope="module")
def docs_server() -> Iterator[str]:
    """marca's app (no lifespan: the pages need neither broker nor database) on a port."""
    app = create_app("marca", Settings(service="marca", auth_hs256_secret=TEST_KEY))
    install(app)  # changes nothing once the service installs it itself
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the docs server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module")
def offline_page(docs_server: str) -> Iterator[tuple[Page, list[str]]]:
    """A page whose requests to anything but the service are aborted (and recorded)."""
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is needed (apt-get install chromium; .ci/run does)"
    elsewhere: list[str] = []

    def only_the_service(route: Route) -> None:
        if route.request.url.startswith(docs_server):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.route("**/*", only_the_service)
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            yield page, elsewhere
            assert not errors, errors
        finally:
            browser.close()


def test_swagger_ui_shows_the_operations_offline(
    docs_server: str, offline_page: tuple[Page, list[str]]
) -> None:
    page, elsewhere = offline_page
    page.goto(f"{docs_server}/docs")
    page.wait_for_selector(".opblock", timeout=30_000)
    assert page.locator(".opblock").count() >= 5
    assert "/marca/marcas" in page.locator("#swagger-ui").inner_text()
    assert not elsewhere, elsewhere


def test_the_asyncapi_page_shows_the_events_offline(
    docs_server: str, offline_page: tuple[Page, list[str]]
) -> None:
    page, elsewhere = offline_page
    page.goto(f"{docs_server}/asyncapi")
    page.get_by_text("PresupuestoReservado").first.wait_for(state="attached", timeout=30_000)
    text = page.locator("#asyncapi").inner_text()
    assert "Alpes Partners: marca" in text and "Operations" in text
    assert not elsewhere, elsewhere
