"""``make_broker``: the token and TLS settings reach the real ``pulsar.Client``.

The client is built for real (pulsar-client connects lazily, so nothing goes on the
network); its constructor is wrapped to record the keyword arguments it was given.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pulsar
import pytest

from alpes.messaging import make_broker
from alpes.settings import Settings


@pytest.fixture
def client_kwargs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    calls: list[dict[str, Any]] = []
    real = pulsar.Client

    def recording(service_url: str, **kwargs: Any) -> pulsar.Client:
        calls.append({"service_url": service_url, **kwargs})
        return real(service_url, **kwargs)

    monkeypatch.setattr(pulsar, "Client", recording)
    yield calls


def settings(**values: Any) -> Settings:
    defaults: dict[str, Any] = {
        "pulsar_url": "pulsar://broker.example:6650",
        "pulsar_auth_token": None,
        "pulsar_tls_trust_certs_file": None,
        "pulsar_tls_validate_hostname": True,
    }
    return Settings(**{**defaults, **values})


async def client_of(s: Settings, calls: list[dict[str, Any]]) -> dict[str, Any]:
    broker = make_broker(s)
    await broker.connect()
    try:
        assert len(calls) == 1
        return calls[0]
    finally:
        await broker.stop()


async def test_the_default_settings_connect_in_plaintext_anonymously(
    client_kwargs: list[dict[str, Any]],
) -> None:
    s = settings()

    kwargs = await client_of(s, client_kwargs)

    assert "authentication" not in kwargs
    assert not [k for k in kwargs if "tls" in k]
    assert make_broker(s).specification.security is None  # the AsyncAPI documents as before


async def test_tls_settings_and_the_token_reach_the_client(
    client_kwargs: list[dict[str, Any]],
) -> None:
    s = settings(
        pulsar_url="pulsar+ssl://broker.example:6651",
        pulsar_auth_token="t0k3n",
        pulsar_tls_trust_certs_file="/etc/pulsar/ca.pem",
    )

    kwargs = await client_of(s, client_kwargs)

    assert kwargs["service_url"] == "pulsar+ssl://broker.example:6651"
    assert isinstance(kwargs["authentication"], pulsar.AuthenticationToken)
    assert kwargs["use_tls"] is True
    assert kwargs["tls_trust_certs_file_path"] == "/etc/pulsar/ca.pem"
    assert kwargs["tls_validate_hostname"] is True


async def test_a_tls_url_alone_validates_the_host_name_against_the_system_store(
    client_kwargs: list[dict[str, Any]],
) -> None:
    kwargs = await client_of(settings(pulsar_url="pulsar+ssl://broker.example:6651"), client_kwargs)

    assert kwargs["tls_validate_hostname"] is True
    assert "tls_trust_certs_file_path" not in kwargs
    assert "authentication" not in kwargs


async def test_hostname_validation_is_off_only_when_the_settings_say_so(
    client_kwargs: list[dict[str, Any]],
) -> None:
    s = settings(
        pulsar_url="pulsar+ssl://10.0.0.7:6651",
        pulsar_tls_trust_certs_file="/etc/pulsar/ca.pem",
        pulsar_tls_validate_hostname=False,
    )

    kwargs = await client_of(s, client_kwargs)

    assert kwargs["tls_validate_hostname"] is False


async def test_a_token_over_plaintext_authenticates_without_tls(
    client_kwargs: list[dict[str, Any]],
) -> None:
    s = settings(pulsar_auth_token="t0k3n")

    kwargs = await client_of(s, client_kwargs)

    assert isinstance(kwargs["authentication"], pulsar.AuthenticationToken)
    assert "use_tls" not in kwargs
    assert make_broker(s).specification.security is not None  # described in AsyncAPI


def test_a_ca_file_with_a_plaintext_url_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match=r"pulsar\+ssl://"):
        make_broker(settings(pulsar_tls_trust_certs_file="/etc/pulsar/ca.pem"))
