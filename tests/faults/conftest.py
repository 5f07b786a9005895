"""The fault suite: the four services as processes on real PostgreSQL and a real broker, with a
database, PostgreSQL, the broker, a handler or a client misbehaving. Each module starts its own
platform (the end-to-end ``platform`` fixture) with the environment its fault needs: it overrides
``platform_settings``, ``service_settings``, ``platform_postgres`` or ``platform_broker``.

Each test prints one line, ``FAULT <name>: sagas=<n> faults=<what> checked=<what> lost=<n>
doubled=<n>`` (``pytest -s tests/faults``); with ``ALPES_FAULT_SUMMARY=<file>`` the lines are
also appended to that file.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.auth import ADMIN
from tests.e2e.conftest import (
    Platform,
    platform,
    platform_broker,
    platform_postgres,
    platform_settings,
    service_settings,
)
from tests.faults.support import FAULT_ENV, FaultApi

__all__ = [
    "platform",
    "platform_broker",
    "platform_postgres",
    "platform_settings",
    "service_settings",
]


@pytest.fixture(scope="module")
def suite_settings() -> dict[str, str]:
    return FAULT_ENV


@pytest.fixture
async def api(platform: Platform) -> AsyncIterator[FaultApi]:
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
    async with httpx.AsyncClient(timeout=30, limits=limits, headers=ADMIN) as client:
        yield FaultApi(platform, client)
