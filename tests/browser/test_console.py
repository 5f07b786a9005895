"""The console in a real browser (Chromium, driven by Playwright): an operator signs in with a
token in the URL, creates a campaign with the console's form, watches it reach ``confirmada``
without reloading (the live feed), cancels it, and sees the compensation of every participant
in the saga's picture.

``CONSOLE_SCREENSHOT=docs/console-saga.png`` also saves the saga view there (the README's
picture); without it the screenshot goes to the test's temporary directory.
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.auth import token
from tests.e2e.console import ConsoleProcess

SAGA_TIMEOUT_MS = 45_000
PNG = b"\x89PNG\r\n\x1a\n"


def _sign_in(page: Page, console: ConsoleProcess) -> None:
    page.goto(f"{console.url}/#token={token()}")
    expect(page.get_by_test_id("who")).to_have_text("admin")
    expect(page.get_by_test_id("live")).to_have_attribute("data-state", "live")
    assert "token=" not in page.url, "the token stays out of the address bar"


def _create_campaign(page: Page, nombre: str, influencer: str) -> str:
    page.get_by_test_id("new-campaign").click()
    form = page.get_by_test_id("campaign-form")
    form.get_by_label("Name", exact=True).first.fill(nombre)
    form.get_by_label("Description").fill("Colección de otoño con creadores de contenido")
    form.get_by_label("Budget").fill("4200")
    form.get_by_label("Brand name").fill("Montaña Outdoor")
    row = form.get_by_test_id("influencer-row").first
    row.locator("[name=i-nombre]").fill(influencer)
    row.locator("[name=i-plataforma]").fill("Instagram")
    row.locator("[name=i-seguidores]").fill("185000")
    row.locator("[name=i-categoria]").fill("Outdoor")
    page.get_by_test_id("create").click()
    page.wait_for_url(re.compile(r"#/campana/[0-9a-f-]{36}$"))
    return page.url.rsplit("/", 1)[-1]


def _every_other_view(page: Page, tag: str, shots: Path) -> None:
    """Brands (the cancelled campaign's budget released), influencers (capacity free again),
    health (four services ready), dead letters (none)."""
    page.get_by_role("link", name="Brands").click()
    brand = page.get_by_test_id("brands").locator("tr", has_text="Montaña Outdoor")
    cells = brand.locator("td")
    expect(cells.nth(3)).to_have_text("0")  # nothing reserved: the cancellation released it
    expect(cells.nth(4)).to_have_text(cells.nth(2).inner_text())  # all of it available
    page.screenshot(path=str(shots / "brands.png"))

    page.goto(page.url.split("#")[0] + f"#/influencers?nombre={tag}")
    row = page.get_by_test_id("influencers").locator("tr", has_text=f"Lucía Andes {tag}")
    expect(row).to_contain_text("0 / 3")
    page.screenshot(path=str(shots / "influencers.png"))

    page.get_by_role("link", name="Health").click()
    cards = page.get_by_test_id("health").locator("[data-servicio]")
    expect(cards).to_have_count(4)
    expect(cards.filter(has_text="listo")).to_have_count(4)
    page.screenshot(path=str(shots / "health.png"))

    page.get_by_role("link", name="Dead letters").click()
    expect(page.get_by_test_id("dead-letters")).to_contain_text("No dead letters")
    page.screenshot(path=str(shots / "dead-letters.png"))


def test_a_campaign_created_in_the_console_confirms_live_and_its_cancellation_is_compensated(
    browser: Browser, console: ConsoleProcess, tmp_path: Path
) -> None:
    context = browser.new_context(viewport={"width": 1360, "height": 1000})
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console {message.type}: {message.text}")
            # an HTTP error answer is the page's to show (a 404 of metrics not there yet)
            if message.type == "error" and not message.text.startswith("Failed to load resource")
            else None
        ),
    )
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url) if not request.url.startswith(console.url) else None
        ),
    )
    try:
        _sign_in(page, console)
        tag = uuid.uuid4().hex[:6]
        id_campana = _create_campaign(page, f"Otoño en la montaña {tag}", f"Lucía Andes {tag}")

        # the page is not reloaded from here on: a mark left on it must survive
        page.evaluate("window.__sameDocument = true")
        estado = page.get_by_test_id("campaign").get_by_test_id("estado")
        expect(estado).to_have_text("confirmada", timeout=SAGA_TIMEOUT_MS)
        expect(page.get_by_test_id("estado-saga")).to_have_text("saga completada")
        picture = page.get_by_test_id("saga-picture")
        for lane, evento in [
            ("marca", "PresupuestoReservado"),
            ("influencer", "InfluencersAsignados"),
            ("tracking", "TrackingHabilitado"),
            ("afiliaciones", "CampanaConfirmada"),
        ]:
            expect(
                picture.locator(f"[data-carril={lane}][data-evento={evento}][data-tipo=exito]")
            ).to_have_count(1)
        assert page.evaluate("window.__sameDocument === true"), "the page was reloaded"

        page.get_by_label("Reason").fill("la marca pospone la campaña")
        page.get_by_test_id("cancel").click()
        expect(estado).to_have_text("cancelada")
        expect(picture.locator("[data-evento=SagaCompensada]")).to_have_count(
            1, timeout=SAGA_TIMEOUT_MS
        )
        compensations = picture.locator("[data-tipo=compensacion]")
        expect(compensations).to_have_count(3)
        lanes = {compensations.nth(i).get_attribute("data-carril") for i in range(3)}
        assert lanes == {"marca", "influencer", "tracking"}
        expect(
            picture.locator("[data-evento=CampanaCancelada][data-tipo=cancelacion]")
        ).to_have_count(1)
        expect(page.get_by_test_id("estado-saga")).to_have_text("saga compensada")
        expect(page.get_by_test_id("saga-motivo")).to_contain_text("la marca pospone la campaña")
        expect(page.get_by_test_id("saga-motivo")).to_contain_text("usuario")
        assert page.evaluate("window.__sameDocument === true"), "the page was reloaded"

        page.evaluate("window.scrollTo(0, 0); document.getElementById('toast').hidden = true")
        shot = page.screenshot(path=str(tmp_path / "console-saga.png"))
        assert shot.startswith(PNG)
        if target := os.environ.get("CONSOLE_SCREENSHOT"):
            Path(target).write_bytes(shot)

        page.goto(f"{console.url}/#/campanas")
        expect(page.get_by_test_id(f"estado-{id_campana}")).to_have_text("cancelada")
        page.screenshot(path=str(tmp_path / "campaigns.png"))
        _every_other_view(page, tag, tmp_path)
        assert problems == [], problems
        assert outside == [], f"requests outside the console: {outside}"
    finally:
        context.close()
