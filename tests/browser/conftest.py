"""Browser fixtures: the four services as processes (the end-to-end suite's ``platform``), the
console as its own process, and Debian's Chromium driven by Playwright.

Chromium is the system's (``apt-get install -y chromium``; ``CHROMIUM`` names another binary):
Playwright's own browser downloads are never used. A Chromium that is missing or does not
start fails the test with what to do; nothing is skipped.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Error, sync_playwright

from tests.e2e.conftest import (  # the platform's fixtures, as the e2e suite has them
    Platform,
    platform,
    platform_broker,
    platform_postgres,
    platform_settings,
    service_settings,
    suite_settings,
)
from tests.e2e.console import ConsoleProcess, running_console

__all__ = [
    "platform",
    "platform_broker",
    "platform_postgres",
    "platform_settings",
    "service_settings",
    "suite_settings",
]

INSTALL = "install it with `apt-get install -y chromium` (scripts/require chromium checks it)"


def chromium_path() -> str:
    """The Chromium binary: ``CHROMIUM`` (a path, or a name on the PATH), else ``chromium``
    on the PATH; fails the test when there is none."""
    named = os.environ.get("CHROMIUM", "chromium")
    found = shutil.which(named) or named
    if not Path(found).is_file():
        pytest.fail(
            f"Chromium not found at {found}: the console's browser test needs it; {INSTALL}"
        )
    return found


@pytest.fixture(scope="module")
def console(
    platform: Platform, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ConsoleProcess]:
    with running_console(platform, tmp_path_factory.mktemp("console")) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(executable_path=executable, headless=True)
        except Error as exc:
            pytest.fail(f"Chromium ({executable}) did not start: {exc}; {INSTALL}")
        try:
            yield launched
        finally:
            launched.close()
