"""Every route of every service declares who may call it (alpes.auth): its OpenAPI operation
either lists the roles it allows as the bearer scheme's scopes, or says it is public."""

from __future__ import annotations

from typing import Any

import pytest

from alpes.auth import POLICY, Role
from alpes.cli import create_app
from alpes.settings import SERVICES, Settings

PUBLIC_ROUTES = {"/health", "/ready", "/metrics"}
"""What anyone may call: liveness and readiness probes, and the Prometheus scrape (which
``METRICS_TOKEN`` can close, docs/observability.md), nothing else."""


def operations(service: str) -> list[tuple[str, str, dict[str, Any]]]:
    settings = Settings(service=service, auth_hs256_secret="k" * 32)
    document = create_app(service, settings).openapi()
    return [
        (method.upper(), path, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]


def roles_of(operation: dict[str, Any]) -> set[str]:
    return {
        scope
        for requirement in operation.get("security", [])
        for scope in requirement.get("bearer", [])
    }


@pytest.mark.parametrize("service", SERVICES)
def test_every_route_declares_who_may_call_it(service: str) -> None:
    undeclared = [
        f"{method} {path}"
        for method, path, operation in operations(service)
        if not roles_of(operation) and operation.get(POLICY) != "public"
    ]
    assert not undeclared, f"{service}: routes without a policy: {undeclared}"


@pytest.mark.parametrize("service", SERVICES)
def test_only_the_probes_are_public_and_roles_are_known(service: str) -> None:
    known = {role.value for role in Role}
    for method, path, operation in operations(service):
        if operation.get(POLICY) == "public":
            assert path in PUBLIC_ROUTES, f"{method} {path} is public"
        assert roles_of(operation) <= known, f"{method} {path}: {roles_of(operation)}"
