"""Tokens for tests: every test platform signs with ``TEST_KEY`` (HS256), and the HTTP
clients of the fixtures carry an admin token unless a test asks for another."""

from __future__ import annotations

from typing import Any

from alpes.auth import Role, issue

TEST_KEY = "tests-only-signing-key-0123456789abcdef-not-a-secret"
"""The HS256 key of every test platform (``AUTH_HS256_SECRET``)."""


def token(role: Role = Role.ADMIN, **claims: Any) -> str:
    """A valid token for ``role`` (``id_marca=...``, ``campanas=[...]``, ``ttl_seconds=...``)."""
    return issue(TEST_KEY, role, **claims)


def bearer(role: Role = Role.ADMIN, **claims: Any) -> dict[str, str]:
    """The ``Authorization`` header of :func:`token`."""
    return {"Authorization": f"Bearer {token(role, **claims)}"}


def as_marca(id_marca: str) -> dict[str, str]:
    return bearer(Role.MARCA, id_marca=id_marca)


def as_tracker(*campanas: str) -> dict[str, str]:
    return bearer(Role.TRACKER, campanas=list(campanas))


ADMIN = bearer()
"""An admin's header (valid for 12 hours)."""
