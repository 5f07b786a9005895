"""``make_broker``: the token and TLS settings reach the real ``pulsar.Client``.

The client is built for real (pulsar-client connects lazily, so nothing goes on the
network); its constructor is wrapped to record the arguments it was given.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Any
from unittest import mock

import pulsar
import pytest

from alpes.messaging import make_broker
from alpes.settings import Settings

TLS_URL = "pulsar+ssl://broker.example:6651"
CA_FILE = "/etc/pulsar/ca.pem"

ClientOf = Callable[..., Awaitable[dict[str, Any]]]


def settings(**values: Any) -> Settings:
    defaults: dict[str, Any] = {
        "pulsar_url": "pulsar://broker.example:6650",
        "pulsar_auth_token": None,
        "pulsar_tls_trust_certs_file": None,
        "pulsar_tls_validate_hostname": True,
    }
    return Settings(**{**defaults, **values})


@pytest.fixture
def client_of() -> Iterator[ClientOf]:
    """Connect the broker ``make_broker`` builds from ``settings(**values)``: the arguments of
    the one ``pulsar.Client`` it made (``service_url`` among them)."""
    with mock.patch.object(pulsar, "Client", wraps=pulsar.Client) as client:

        async def connect(**values: Any) -> dict[str, Any]:
            broker = make_broker(settings(**values))
            await broker.connect()
            try:
                [((service_url,), kwargs)] = client.call_args_list
                return {"service_url": service_url, **kwargs}
            finally:
                await broker.stop()

        yield connect


async def test_the_default_settings_connect_in_plaintext_anonymously(client_of: ClientOf) -> None:
    kwargs = await client_of()

    assert "authentication" not in kwargs
    assert not [k for k in kwargs if "tls" in k]
    # the AsyncAPI documents the server as before
    assert make_broker(settings()).specification.security is None


async def test_tls_settings_and_the_token_reach_the_client(client_of: ClientOf) -> None:
    kwargs = await client_of(
        pulsar_url=TLS_URL, pulsar_auth_token="t0k3n", pulsar_tls_trust_certs_file=CA_FILE
    )

    assert kwargs["service_url"] == TLS_URL
    assert isinstance(kwargs["authentication"], pulsar.AuthenticationToken)
    assert kwargs["use_tls"] is True
    assert kwargs["tls_trust_certs_file_path"] == CA_FILE
    assert kwargs["tls_validate_hostname"] is True


async def test_a_tls_url_alone_validates_the_host_name_against_the_system_store(
    client_of: ClientOf,
) -> None:
    kwargs = await client_of(pulsar_url=TLS_URL)

    assert kwargs["tls_validate_hostname"] is True
    assert "tls_trust_certs_file_path" not in kwargs
    assert "authentication" not in kwargs


async def test_hostname_validation_is_off_only_when_the_settings_say_so(
    client_of: ClientOf,
) -> None:
    kwargs = await client_of(
        pulsar_url="pulsar+ssl://10.0.0.7:6651",
        pulsar_tls_trust_certs_file=CA_FILE,
        pulsar_tls_validate_hostname=False,
    )

    assert kwargs["tls_validate_hostname"] is False


async def test_a_token_over_plaintext_authenticates_without_tls(client_of: ClientOf) -> None:
    kwargs = await client_of(pulsar_auth_token="t0k3n")

    assert isinstance(kwargs["authentication"], pulsar.AuthenticationToken)
    assert "use_tls" not in kwargs
    security = make_broker(settings(pulsar_auth_token="t0k3n")).specification.security
    assert security is not None  # described in AsyncAPI


def test_a_ca_file_with_a_plaintext_url_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match=r"pulsar\+ssl://"):
        make_broker(settings(pulsar_tls_trust_certs_file=CA_FILE))
