"""``security=``: FastStream's security objects as ``pulsar.Client`` arguments.

As in FastStream's own brokers, one object both configures the connection and describes
it in the AsyncAPI document (``get_requirement``/``get_schema``):

- ``BaseSecurity(use_ssl=True)``: TLS, the system's trust store, the broker's host name
  validated;
- ``BaseSecurity(ssl_context=ctx)``: TLS validated as ``ctx`` says (``check_hostname``,
  ``verify_mode``). pulsar-client reads certificates from files and cannot take an
  ``SSLContext``'s trust store: name the CA file with ``PulsarSecurity``;
- ``SASLPlaintext(username, password)``: Pulsar's basic authentication;
- ``PulsarSecurity(...)``: TLS with the file paths pulsar-client reads, and optionally any
  ``pulsar.Authentication`` (OAuth 2, Athenz, TLS client certificates);
- ``PulsarTokenSecurity(token, ...)``: token (JWT) authentication, with the same TLS options.

Host name validation is on unless switched off explicitly. TLS itself is chosen by the
service URL (``pulsar+ssl://``): the broker refuses a TLS security with a plaintext URL.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from typing import Any

import pulsar
from faststream.security import (
    SASLGSSAPI,
    BaseSecurity,
    SASLOAuthBearer,
    SASLPlaintext,
    SASLScram256,
    SASLScram512,
)
from typing_extensions import override


class PulsarSecurity(BaseSecurity):
    """TLS for the connection, by the file paths pulsar-client reads.

    ``use_ssl`` defaults to true when a context or a certificate file is given.
    ``tls_validate_hostname`` defaults to the context's ``check_hostname``, else true.
    """

    __slots__ = (
        "authentication",
        "tls_allow_insecure_connection",
        "tls_certificate_file_path",
        "tls_private_key_file_path",
        "tls_trust_certs_file_path",
        "tls_validate_hostname",
    )

    def __init__(
        self,
        *,
        use_ssl: bool | None = None,
        ssl_context: ssl.SSLContext | None = None,
        tls_trust_certs_file_path: str | None = None,
        tls_validate_hostname: bool | None = None,
        tls_allow_insecure_connection: bool = False,
        tls_certificate_file_path: str | None = None,
        tls_private_key_file_path: str | None = None,
        authentication: pulsar.Authentication | None = None,
    ) -> None:
        if use_ssl is None and (
            tls_trust_certs_file_path or tls_certificate_file_path or tls_private_key_file_path
        ):
            use_ssl = True
        super().__init__(ssl_context=ssl_context, use_ssl=use_ssl)
        if tls_validate_hostname is None:
            tls_validate_hostname = ssl_context.check_hostname if ssl_context else True
        self.tls_trust_certs_file_path = tls_trust_certs_file_path
        self.tls_validate_hostname = tls_validate_hostname
        self.tls_allow_insecure_connection = tls_allow_insecure_connection
        self.tls_certificate_file_path = tls_certificate_file_path
        self.tls_private_key_file_path = tls_private_key_file_path
        self.authentication = authentication


class PulsarTokenSecurity(PulsarSecurity):
    """Token authentication (a JWT, or a function returning the current one), over TLS
    when the service URL is ``pulsar+ssl://``."""

    __slots__ = ("token",)

    def __init__(
        self,
        token: str | Callable[[], str],
        *,
        use_ssl: bool | None = None,
        ssl_context: ssl.SSLContext | None = None,
        tls_trust_certs_file_path: str | None = None,
        tls_validate_hostname: bool | None = None,
        tls_allow_insecure_connection: bool = False,
    ) -> None:
        if not token:
            msg = "PulsarTokenSecurity needs a token"
            raise ValueError(msg)
        super().__init__(
            use_ssl=use_ssl,
            ssl_context=ssl_context,
            tls_trust_certs_file_path=tls_trust_certs_file_path,
            tls_validate_hostname=tls_validate_hostname,
            tls_allow_insecure_connection=tls_allow_insecure_connection,
            authentication=pulsar.AuthenticationToken(token),
        )
        self.token = token

    @override
    def get_requirement(self) -> list[dict[str, Any]]:
        return [{"token": []}]

    @override
    def get_schema(self) -> dict[str, dict[str, str]]:
        return {"token": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}


#: Mechanisms Pulsar has no counterpart for: connecting without them would drop the
#: authentication the application asked for. (OAuth 2: ``PulsarSecurity(authentication=
#: pulsar.AuthenticationOauth2(...))``.)
_UNSUPPORTED = (SASLScram256, SASLScram512, SASLOAuthBearer, SASLGSSAPI)


def parse_security(security: BaseSecurity | None) -> dict[str, Any]:
    """The ``pulsar.Client`` keyword arguments ``security`` stands for (none for ``None``)."""
    if security is None:
        return {}
    if isinstance(security, PulsarSecurity):
        return _parse_pulsar_security(security)
    if isinstance(security, SASLPlaintext):
        return {
            **_parse_base_security(security),
            "authentication": pulsar.AuthenticationBasic(security.username, security.password),
        }
    if isinstance(security, _UNSUPPORTED):
        msg = f"PulsarBroker does not support `{type(security).__name__}`."
        raise NotImplementedError(msg)
    return _parse_base_security(security)


def _parse_base_security(security: BaseSecurity) -> dict[str, Any]:
    if not security.use_ssl:
        return {}
    context = security.ssl_context
    return {
        "use_tls": True,
        "tls_validate_hostname": context.check_hostname if context else True,
        "tls_allow_insecure_connection": bool(context and context.verify_mode == ssl.CERT_NONE),
    }


def _parse_pulsar_security(security: PulsarSecurity) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "tls_validate_hostname": security.tls_validate_hostname,
        "tls_allow_insecure_connection": security.tls_allow_insecure_connection
        or bool(security.ssl_context and security.ssl_context.verify_mode == ssl.CERT_NONE),
    }
    if security.use_ssl:
        kwargs["use_tls"] = True
    optional = {
        "authentication": security.authentication,
        "tls_trust_certs_file_path": security.tls_trust_certs_file_path,
        "tls_certificate_file_path": security.tls_certificate_file_path,
        "tls_private_key_file_path": security.tls_private_key_file_path,
    }
    kwargs.update({k: v for k, v in optional.items() if v is not None})
    return kwargs


__all__ = ("PulsarSecurity", "PulsarTokenSecurity", "parse_security")
