"""The broker's authentication and authorization, on a real Apache Pulsar.

A second standalone (scripts/pulsar-standalone) runs with the Docker stack's broker settings,
deploy/pulsar/auth.conf plus a fresh signing key, and deploy/pulsar/init.py applies
deploy/pulsar/grants.txt to it; the tokens are scripts/broker-tokens'. So what is proven here is
what compose.yml runs. It runs in every lane, like the crash tests (ADR 4): a broker that does
not start fails the test.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulsar
import pytest

from alpes.messaging import make_broker
from alpes.settings import Settings
from contracts import topic
from tests.conftest import ROOT
from tests.helpers import load_script

TOKENS = load_script(ROOT / "scripts" / "broker-tokens")
SCRIPT = ROOT / "scripts" / "pulsar-standalone"
TIMEOUT = 5  # seconds: a refusal is an error at once, an unauthenticated client times out


@dataclass
class SecuredPulsar:
    url: str
    web_url: str
    key: str

    def token(self, role: str) -> str:
        return str(TOKENS.create_token(self.key, role))


@pytest.fixture(scope="module")
def secured(workdir: Path) -> Iterator[SecuredPulsar]:
    data = workdir / "apache-pulsar-secured"
    data.mkdir()
    key = TOKENS.new_secret_key()
    admin = TOKENS.create_token(key, "admin")
    overrides = data / "auth-overrides.conf"
    overrides.write_text(
        (ROOT / "deploy" / "pulsar" / "auth.conf").read_text()
        + f"tokenSecretKey=data:;base64,{key}\n"
        + f"brokerClientAuthenticationParameters=token:{admin}\n"
    )
    admin_file = data / "admin.token"
    admin_file.write_text(admin)
    env = {
        **os.environ,
        "PULSAR_STANDALONE_CONF_OVERRIDES": str(overrides),
        "PULSAR_STANDALONE_ADMIN_TOKEN_FILE": str(admin_file),
    }
    started = subprocess.run(
        [str(SCRIPT), "start", str(data / "broker")],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    try:
        if started.returncode != 0:
            pytest.fail(f"secured Apache Pulsar did not start:\n{started.stderr[-4000:]}")
        web_url = (data / "broker" / "web-url").read_text().strip()
        init = subprocess.run(
            [sys.executable, str(ROOT / "deploy" / "pulsar" / "init.py"), "--web-url", web_url],
            capture_output=True, text=True, env={**os.environ, "PULSAR_ADMIN_TOKEN": admin},
            check=False,
        )  # fmt: skip
        assert init.returncode == 0, init.stderr
        yield SecuredPulsar(started.stdout.strip().splitlines()[-1], web_url, key)
    finally:
        subprocess.run([str(SCRIPT), "stop", str(data / "broker")], check=False)


def client(url: str, token: str | None) -> pulsar.Client:
    auth: dict[str, Any] = {"authentication": pulsar.AuthenticationToken(token)} if token else {}
    return pulsar.Client(
        url,
        operation_timeout_seconds=TIMEOUT,
        logger=pulsar.ConsoleLogger(pulsar.LoggerLevel.Error),
        **auth,
    )


def refused(url: str, token: str | None, topic_name: str, *, consume: bool = False) -> str:
    """The error the broker answers when ``token`` tries to produce on (or consume) a topic."""
    c = client(url, token)
    try:
        if consume:
            c.subscribe(topic_name, "not-granted")
        else:
            c.create_producer(topic_name).send(b"{}")
    except Exception as error:
        return type(error).__name__
    finally:
        c.close()
    return "accepted"


def test_a_client_without_a_valid_token_is_refused(secured: SecuredPulsar) -> None:
    forged = TOKENS.create_token(TOKENS.new_secret_key(), "marca")  # signed with another key

    # no token, or a forged one: the connection is never authenticated, so it times out
    assert refused(secured.url, None, topic("marca")) in {"Timeout", "AuthenticationError"}
    assert refused(secured.url, forged, topic("marca")) in {"Timeout", "AuthenticationError"}


def test_a_role_publishes_on_its_own_topic_only(secured: SecuredPulsar) -> None:
    marca = secured.token("marca")

    assert refused(secured.url, marca, topic("afiliaciones")) == "AuthorizationError"
    assert refused(secured.url, marca, topic("tracking")) == "AuthorizationError"
    assert refused(secured.url, secured.token("tracking"), topic("marca")) == "AuthorizationError"
    # nor may it read a topic it does not consume (its own), or write to another's dead letters
    assert refused(secured.url, marca, topic("marca"), consume=True) == "AuthorizationError"
    afiliaciones_dlq = f"{topic('marca')}-afiliaciones-DLQ"
    assert refused(secured.url, marca, afiliaciones_dlq) == "AuthorizationError"


async def test_a_services_token_from_its_settings_publishes_and_its_consumers_read(
    secured: SecuredPulsar,
) -> None:
    """marca's settings (PULSAR_AUTH_TOKEN) reach its client: it publishes on its topic; the
    roles that consume that topic read it on their subscriptions."""
    payload = uuid.uuid4().hex.encode()
    readers = {}
    for role in ("afiliaciones", "tracking"):
        c = client(secured.url, secured.token(role))
        consumer = c.subscribe(
            topic("marca"), role, consumer_type=pulsar.ConsumerType.Shared
        )  # fmt: skip
        readers[role] = (c, consumer)
    settings = Settings(
        service="marca",
        pulsar_url=secured.url,
        pulsar_auth_token=secured.token("marca"),
        pulsar_operation_timeout_seconds=TIMEOUT,
    )
    broker = make_broker(settings)
    try:
        await broker.connect()
        await broker.publish(payload, topic("marca"))
        assert await broker.ping(TIMEOUT), "/ready's lookup is granted"
    finally:
        await broker.stop()
    try:
        for role, (_, consumer) in readers.items():
            message = consumer.receive(TIMEOUT * 1000)
            consumer.acknowledge(message)
            assert message.data() == payload, role
    finally:
        for c, _ in readers.values():
            c.close()
