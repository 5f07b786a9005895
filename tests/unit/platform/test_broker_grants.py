"""The broker's grants (deploy/pulsar/grants.txt) are what the contracts imply, and the tokens
scripts/broker-tokens writes are Pulsar's: HS256 over the decoded key, ``sub`` = the role.

That the broker enforces them is tests/integration/test_broker_authorization.py (Apache lane).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

from contracts import CONTEXTS, dead_letter_topic, subscription, topic
from contracts.topics import CONSUMED
from tests.helpers import load_script

ROOT = Path(__file__).resolve().parents[3]


def init() -> Any:
    return load_script(ROOT / "deploy" / "pulsar" / "init.py")


def local(name: str) -> str:
    return name.rsplit("/", 1)[1]


def test_each_role_may_publish_on_its_own_topic_only_and_read_what_it_consumes() -> None:
    expected: dict[tuple[str, str], set[str]] = {}
    for service in CONTEXTS:
        expected[service, local(topic(service))] = {"produce"}
        for context in CONSUMED[service]:
            expected[service, local(topic(context))] = {"consume"}
            dlq = dead_letter_topic(topic(context), subscription(service))
            expected[service, local(dlq)] = {"produce", "consume"}
        expected[service, "alpes.ping"] = {"consume"}

    grants = init().read_grants(ROOT / "deploy" / "pulsar" / "grants.txt")
    granted = {(role, name): set(actions) for role, actions, name in grants}

    assert len(granted) == len(grants), "one line per role and topic (a grant replaces)"
    assert granted == expected
    producers = {name: role for (role, name), actions in granted.items() if "produce" in actions}
    for context in CONTEXTS:
        assert producers[local(topic(context))] == context


def test_the_tokens_are_pulsar_tokens_for_each_role(tmp_path: Path) -> None:
    tokens = load_script(ROOT / "scripts" / "broker-tokens")
    env = tmp_path / ".env"

    assert tokens.main(["--env-file", str(env)]) == 0

    values = dict(line.split("=", 1) for line in env.read_text().splitlines() if "=" in line)
    values = {k: v for k, v in values.items() if not k.startswith("#")}
    assert env.stat().st_mode & 0o077 == 0, "only its owner reads .env"
    key = base64.b64decode(values["PULSAR_TOKEN_SECRET_KEY"])
    assert len(key) == 32
    for role in ("admin", *CONTEXTS):
        token = values["PULSAR_ADMIN_TOKEN" if role == "admin" else f"PULSAR_TOKEN_{role.upper()}"]
        header, claims, signature = token.split(".")
        expected = hmac.new(key, f"{header}.{claims}".encode(), hashlib.sha256).digest()
        assert base64.urlsafe_b64decode(signature + "==") == expected
        assert json.loads(base64.urlsafe_b64decode(claims + "=="))["sub"] == role
    for name in ("MARCA_DB_PASSWORD", "AUTH_HS256_SECRET", "TRACKING_CODE_KEY"):
        assert len(values[name]) >= 32

    key_before, marca_db = values["PULSAR_TOKEN_SECRET_KEY"], values["MARCA_DB_PASSWORD"]
    assert tokens.main(["--env-file", str(env), "--rotate"]) == 0
    rotated = dict(line.split("=", 1) for line in env.read_text().splitlines() if "=" in line)
    assert rotated["PULSAR_TOKEN_SECRET_KEY"] != key_before
    assert rotated["MARCA_DB_PASSWORD"] == marca_db, "a database keeps its password"
