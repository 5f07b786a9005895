"""Bearer tokens as a service checks them (alpes.auth), and the commands that make them."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from alpes.auth import (
    DEV_KEY_FILE,
    Authenticator,
    AuthNotConfigured,
    Principal,
    Role,
    Unauthorized,
    issue,
)
from alpes.settings import Settings
from tests.auth import TEST_KEY, token

ROOT = Path(__file__).resolve().parents[3]


def unsigned(claims: dict[str, Any]) -> str:
    """A token with ``"alg": "none"``: claims anyone could write."""

    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


def authenticator() -> Authenticator:
    return Authenticator.from_settings(Settings(auth_hs256_secret=TEST_KEY))


async def test_a_valid_token_says_who_is_asking() -> None:
    auth = authenticator()
    assert await auth.verify(token()) == Principal("admin", Role.ADMIN)
    marca = await auth.verify(token(Role.MARCA, id_marca="m-1"))
    assert (marca.role, marca.brand, marca.owns("m-1"), marca.owns("m-2")) == (
        Role.MARCA, "m-1", True, False,
    )  # fmt: skip
    tracker = await auth.verify(token(Role.TRACKER, campanas=["c-1", "c-2"]))
    assert tracker.tracks("c-2") and not tracker.tracks("c-3") and not tracker.owns(None)


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (token(ttl_seconds=-120), "expired"),
        (issue("another-key-" * 4, Role.ADMIN), "signature"),
        (issue(TEST_KEY, Role.ADMIN, audience="someone-else"), "audience"),
        (issue(TEST_KEY, Role.ADMIN, issuer="someone-else"), "issuer"),
        (jwt.encode({"sub": "x", "role": "admin"}, TEST_KEY, algorithm="HS256"), "malformed"),
        (unsigned({"sub": "x", "role": "admin", "aud": "alpes-partners",
                   "iss": "alpes-partners", "exp": 2**33}), "malformed"),
        (issue(TEST_KEY, Role.MARCA, subject="m"), "id_marca"),
        (issue(TEST_KEY, Role.TRACKER), "campanas"),
        ("not.a.token", "malformed"),
    ],
    ids=["expired", "forged", "audience", "issuer", "no-exp", "alg-none", "marca-sin-marca",
         "tracker-sin-campanas", "garbage"],
)  # fmt: skip
async def test_a_bad_token_is_refused_with_its_reason(bad: str, reason: str) -> None:
    with pytest.raises(Unauthorized, match=reason):
        await authenticator().verify(bad)


async def test_an_unknown_role_is_refused() -> None:
    claims = {"sub": "x", "role": "root", "aud": "alpes-partners", "iss": "alpes-partners",
              "exp": 2**33}  # fmt: skip
    with pytest.raises(Unauthorized, match="unknown role"):
        await authenticator().verify(jwt.encode(claims, TEST_KEY, algorithm="HS256"))


def test_a_service_does_not_start_open_by_accident() -> None:
    with pytest.raises(AuthNotConfigured, match="AUTH_HS256_SECRET"):
        Authenticator.from_settings(Settings())
    with pytest.raises(AuthNotConfigured, match="32 characters"):
        Authenticator.from_settings(Settings(auth_hs256_secret="short"))
    assert Authenticator.from_settings(Settings(auth_disabled=True)).disabled


@pytest.fixture
def jwks() -> Iterator[tuple[str, Any]]:
    """An identity provider's JWKS endpoint on loopback, and its private key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    body = json.dumps({"keys": [{**public, "kid": "k1", "use": "sig", "alg": "RS256"}]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/jwks.json", key
    server.shutdown()


async def test_production_tokens_are_checked_against_the_providers_keys(
    jwks: tuple[str, Any],
) -> None:
    url, key = jwks
    auth = Authenticator.from_settings(Settings(auth_jwks_url=url))
    claims = {"sub": "ops", "role": "admin", "aud": "alpes-partners", "iss": "alpes-partners",
              "exp": 2**33}  # fmt: skip
    signed = jwt.encode(claims, key, algorithm="RS256", headers={"kid": "k1"})
    assert (await auth.verify(signed)).role is Role.ADMIN
    # a token signed with a shared secret is refused: no algorithm confusion
    with pytest.raises(Unauthorized):
        await auth.verify(jwt.encode(claims, TEST_KEY, algorithm="HS256", headers={"kid": "k1"}))
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(Unauthorized, match="signature"):
        await auth.verify(jwt.encode(claims, other, algorithm="RS256", headers={"kid": "k1"}))


def alpes(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("AUTH_")}
    return subprocess.run(
        [sys.executable, "-m", "alpes.cli", *args],
        env={**clean, **env}, capture_output=True, text=True, timeout=60, check=False, cwd=ROOT,
    )  # fmt: skip


def test_alpes_serve_refuses_to_start_without_its_auth_settings() -> None:
    done = alpes("serve", "marca", env={"PORT": "1"})
    assert done.returncode != 0
    assert "AUTH_HS256_SECRET" in done.stderr and "AUTH_JWKS_URL" in done.stderr


def test_alpes_token_signs_with_the_development_key_of_the_data_directory(tmp_path: Path) -> None:
    done = alpes("token", "--marca", "m-7", "--data-dir", str(tmp_path), env={})
    assert done.returncode == 0, done.stderr
    key = (tmp_path / DEV_KEY_FILE).read_text()
    claims = jwt.decode(done.stdout.strip(), key, algorithms=["HS256"], audience="alpes-partners")
    assert (claims["role"], claims["id_marca"]) == ("marca", "m-7")
    again = alpes("token", "--tracker", "c-1", "c-2", "--data-dir", str(tmp_path), env={})
    claims = jwt.decode(again.stdout.strip(), key, algorithms=["HS256"], audience="alpes-partners")
    assert (claims["role"], claims["campanas"]) == ("tracker", ["c-1", "c-2"])
