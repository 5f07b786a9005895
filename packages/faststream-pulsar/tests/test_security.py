"""``security=`` reaches the real ``pulsar.Client`` and still describes the AsyncAPI server.

The client is built for real (pulsar-client connects lazily, so nothing goes on the
network); its constructor is wrapped to record the keyword arguments it was given.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from typing import Any

import pulsar
import pytest
from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256
from faststream.specification import AsyncAPI

from faststream_pulsar import PulsarBroker
from faststream_pulsar.security import PulsarSecurity, PulsarTokenSecurity, parse_security

TLS_URL = "pulsar+ssl://broker.example:6651"
PLAIN_URL = "pulsar://broker.example:6650"
TLS_KEYS = {
    "use_tls",
    "tls_validate_hostname",
    "tls_allow_insecure_connection",
    "tls_trust_certs_file_path",
    "tls_certificate_file_path",
    "tls_private_key_file_path",
}


@pytest.fixture
def client_kwargs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """The keyword arguments of every ``pulsar.Client`` built while the test runs."""
    calls: list[dict[str, Any]] = []
    real = pulsar.Client

    def recording(service_url: str, **kwargs: Any) -> pulsar.Client:
        calls.append({"service_url": service_url, **kwargs})
        return real(service_url, **kwargs)

    monkeypatch.setattr(pulsar, "Client", recording)
    yield calls


async def connect(broker: PulsarBroker, calls: list[dict[str, Any]]) -> dict[str, Any]:
    await broker.connect()
    try:
        assert len(calls) == 1
        return calls[0]
    finally:
        await broker.stop()


# --- parse_security: each security object's client arguments ----------------------------


def test_no_security_and_plain_base_security_add_nothing() -> None:
    assert parse_security(None) == {}
    assert parse_security(BaseSecurity()) == {}


def test_tls_validates_the_host_name_by_default() -> None:
    expected = {"use_tls": True, "tls_validate_hostname": True}
    assert parse_security(BaseSecurity(use_ssl=True)).items() >= expected.items()
    assert parse_security(BaseSecurity(ssl_context=ssl.create_default_context())) == {
        **expected,
        "tls_allow_insecure_connection": False,
    }
    assert parse_security(PulsarSecurity(use_ssl=True)) == {
        **expected,
        "tls_allow_insecure_connection": False,
    }


def test_an_ssl_context_that_checks_nothing_turns_validation_off() -> None:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE

    kwargs = parse_security(BaseSecurity(ssl_context=context))

    assert kwargs["tls_validate_hostname"] is False
    assert kwargs["tls_allow_insecure_connection"] is True


def test_pulsar_security_passes_its_certificate_files() -> None:
    security = PulsarSecurity(
        tls_trust_certs_file_path="/etc/pulsar/ca.pem",
        tls_certificate_file_path="/etc/pulsar/client.pem",
        tls_private_key_file_path="/etc/pulsar/client.key",
    )

    assert parse_security(security) == {
        "use_tls": True,
        "tls_validate_hostname": True,
        "tls_allow_insecure_connection": False,
        "tls_trust_certs_file_path": "/etc/pulsar/ca.pem",
        "tls_certificate_file_path": "/etc/pulsar/client.pem",
        "tls_private_key_file_path": "/etc/pulsar/client.key",
    }


def test_hostname_validation_is_switched_off_only_explicitly() -> None:
    security = PulsarSecurity(tls_trust_certs_file_path="/ca.pem", tls_validate_hostname=False)

    assert parse_security(security)["tls_validate_hostname"] is False


def test_a_token_becomes_the_client_authentication() -> None:
    security = PulsarTokenSecurity("eyJhbGciOiJIUzI1NiJ9.e30.sig")

    kwargs = parse_security(security)

    assert isinstance(kwargs["authentication"], pulsar.AuthenticationToken)
    assert kwargs["authentication"] is security.authentication
    assert "use_tls" not in kwargs  # TLS comes with the URL, or with a certificate file


def test_a_token_may_be_a_function_returning_the_current_one() -> None:
    kwargs = parse_security(PulsarTokenSecurity(lambda: "fresh-token"))

    assert isinstance(kwargs["authentication"], pulsar.AuthenticationToken)


def test_an_empty_token_is_refused() -> None:
    with pytest.raises(ValueError, match="token"):
        PulsarTokenSecurity("")


def test_user_and_password_become_basic_authentication() -> None:
    kwargs = parse_security(SASLPlaintext("ana", "secreto", use_ssl=True))

    assert isinstance(kwargs["authentication"], pulsar.AuthenticationBasic)
    assert kwargs["tls_validate_hostname"] is True


def test_a_mechanism_pulsar_lacks_is_refused_rather_than_dropped() -> None:
    with pytest.raises(NotImplementedError, match="SASLScram256"):
        parse_security(SASLScram256("ana", "secreto"))


# --- the broker: what the real client is built with --------------------------------------


async def test_a_plaintext_broker_gets_no_tls_and_no_authentication(
    client_kwargs: list[dict[str, Any]],
) -> None:
    kwargs = await connect(PulsarBroker(PLAIN_URL), client_kwargs)

    assert kwargs["service_url"] == PLAIN_URL
    assert not TLS_KEYS & kwargs.keys()
    assert "authentication" not in kwargs


async def test_a_tls_url_validates_the_host_name_without_being_asked(
    client_kwargs: list[dict[str, Any]],
) -> None:
    kwargs = await connect(PulsarBroker(TLS_URL), client_kwargs)

    assert kwargs["tls_validate_hostname"] is True


async def test_security_reaches_the_client(client_kwargs: list[dict[str, Any]]) -> None:
    security = PulsarTokenSecurity("t0k3n", tls_trust_certs_file_path="/etc/pulsar/ca.pem")

    kwargs = await connect(PulsarBroker(TLS_URL, security=security), client_kwargs)

    assert kwargs["authentication"] is security.authentication
    assert kwargs["tls_trust_certs_file_path"] == "/etc/pulsar/ca.pem"
    assert kwargs["tls_validate_hostname"] is True
    assert kwargs["use_tls"] is True


async def test_client_options_still_have_the_last_word(
    client_kwargs: list[dict[str, Any]],
) -> None:
    broker = PulsarBroker(
        TLS_URL,
        security=PulsarSecurity(use_ssl=True),
        client_options={"tls_validate_hostname": False},
    )

    kwargs = await connect(broker, client_kwargs)

    assert kwargs["tls_validate_hostname"] is False


def test_tls_security_with_a_plaintext_url_is_refused() -> None:
    with pytest.raises(ValueError, match=r"pulsar\+ssl://"):
        PulsarBroker(PLAIN_URL, security=PulsarSecurity(tls_trust_certs_file_path="/ca.pem"))


async def test_the_deprecated_keywords_still_work_and_validate_by_default(
    client_kwargs: list[dict[str, Any]],
) -> None:
    with pytest.warns(DeprecationWarning, match="auth_token, tls_trust_certs_file_path"):
        broker = PulsarBroker(TLS_URL, auth_token="t0k3n", tls_trust_certs_file_path="/ca.pem")

    kwargs = await connect(broker, client_kwargs)

    assert isinstance(kwargs["authentication"], pulsar.AuthenticationToken)
    assert kwargs["tls_trust_certs_file_path"] == "/ca.pem"
    assert kwargs["tls_validate_hostname"] is True


async def test_the_deprecated_hostname_switch_still_switches_it_off(
    client_kwargs: list[dict[str, Any]],
) -> None:
    with pytest.warns(DeprecationWarning, match="tls_validate_hostname"):
        broker = PulsarBroker(TLS_URL, tls_validate_hostname=False)

    kwargs = await connect(broker, client_kwargs)

    assert kwargs["tls_validate_hostname"] is False


# --- the AsyncAPI document ---------------------------------------------------------------


def server_security(broker: PulsarBroker) -> tuple[Any, Any]:
    doc = AsyncAPI(broker, title="Billing", version="1.0.0").to_specification().to_jsonable()
    (server,) = doc["servers"].values()
    return server.get("security"), doc.get("components", {}).get("securitySchemes")


def test_the_document_describes_faststream_security_as_faststream_does() -> None:
    assert server_security(PulsarBroker(TLS_URL, security=SASLPlaintext("ana", "secreto"))) == (
        [{"$ref": "#/components/securitySchemes/user-password"}],
        {"user-password": {"type": "userPassword"}},
    )


def test_the_document_describes_a_token_as_a_bearer_jwt() -> None:
    assert server_security(PulsarBroker(TLS_URL, security=PulsarTokenSecurity("t"))) == (
        [{"$ref": "#/components/securitySchemes/token"}],
        {"token": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
    )


def test_the_document_has_no_security_scheme_without_authentication() -> None:
    assert server_security(PulsarBroker(PLAIN_URL)) == (None, None)
    tls_only = PulsarBroker(TLS_URL, security=PulsarSecurity(use_ssl=True))
    as_faststream = PulsarBroker(TLS_URL, security=BaseSecurity(use_ssl=True))
    assert server_security(tls_only) == server_security(as_faststream) == ([], {})
