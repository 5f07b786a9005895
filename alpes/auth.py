"""Who is asking: bearer tokens (JWT) checked the same way by every service, and the policy
each route declares (docs/security.md).

Three roles:

- ``admin`` operates the platform: brands, influencers, every campaign;
- ``marca`` is one brand (the token's ``id_marca``): its campaigns, budget and metrics;
- ``tracker`` posts tracking events for the campaigns its token names (``campanas``).

Tokens are HS256 with a shared key in development (``AUTH_HS256_SECRET``; ``alpes token``
signs them) and RS256 from an identity provider's JWKS in production (``AUTH_JWKS_URL``).
Every token must carry ``sub``, ``exp``, ``aud`` (``AUTH_AUDIENCE``), ``iss``
(``AUTH_ISSUER``) and ``role``. A missing, expired, malformed or forged token is a 401 with
``WWW-Authenticate``; a valid one whose role the route does not allow is a 403.

A route states its policy with a parameter: ``quien: Admin``, ``quien: AdminOrMarca`` or
another :func:`allow`; the roles appear in its OpenAPI operation as the bearer scheme's
scopes, and a test walks every service's OpenAPI to find a route without one. The few public
routes (health, readiness) say so with ``PUBLIC``.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import jwt
from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer, SecurityScopes

if TYPE_CHECKING:
    from .settings import Settings

logger = logging.getLogger("alpes.auth")

POLICY = "x-policy"
"""The OpenAPI extension of a route that needs no token (``PUBLIC``)."""

PUBLIC: dict[str, Any] = {POLICY: "public"}
"""``openapi_extra`` of a route anyone may call (health, readiness)."""

DEV_KEY_FILE = "auth-dev.key"
"""The development signing key's file in ``alpes dev``'s data directory."""


class Role(StrEnum):
    ADMIN = "admin"
    MARCA = "marca"
    TRACKER = "tracker"


@dataclass(frozen=True)
class Principal:
    """Who is asking, as their token says."""

    subject: str
    role: Role
    id_marca: str | None = None
    """The brand of a ``marca`` token."""
    campanas: frozenset[str] = field(default_factory=frozenset)
    """The campaigns a ``tracker`` token may post events for."""

    @property
    def admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def brand(self) -> str | None:
        """The one brand this principal is confined to; None: every brand (an admin)."""
        return None if self.admin else self.id_marca

    def owns(self, id_marca: str | None) -> bool:
        """Whether this principal may see and act for brand ``id_marca``."""
        return self.admin or (self.role is Role.MARCA and id_marca == self.id_marca)

    def tracks(self, id_campana: str) -> bool:
        """Whether this principal may post tracking events for campaign ``id_campana``."""
        return self.admin or (self.role is Role.TRACKER and id_campana in self.campanas)


ANONYMOUS = Principal("anonymous (authentication disabled)", Role.ADMIN)
"""Everyone, when authentication is off (``alpes dev --no-auth``): the seed's clients."""


class Unauthorized(Exception):
    """The token is missing, expired, malformed or not ours (a 401)."""


class AuthNotConfigured(RuntimeError):
    """A service was started with neither a signing key nor a JWKS URL, and auth not disabled."""


@dataclass
class Authenticator:
    """Checks bearer tokens against the service's settings."""

    audience: str
    issuer: str
    secret: str | None = None
    jwks: jwt.PyJWKClient | None = None
    disabled: bool = False
    leeway: float = 30.0
    """Seconds of clock skew tolerated on ``exp``, ``nbf`` and ``iat``."""

    @classmethod
    def from_settings(cls, settings: Settings) -> Authenticator:
        """The authenticator the settings describe; :class:`AuthNotConfigured` when they
        name no key (a service must not start open by accident)."""
        if settings.auth_disabled:
            return cls(settings.auth_audience, settings.auth_issuer, disabled=True)
        if settings.auth_jwks_url:
            jwks = jwt.PyJWKClient(settings.auth_jwks_url, cache_keys=True, lifespan=300)
            return cls(settings.auth_audience, settings.auth_issuer, jwks=jwks)
        if settings.auth_hs256_secret:
            if len(settings.auth_hs256_secret) < 32:
                raise AuthNotConfigured("AUTH_HS256_SECRET must be at least 32 characters")
            return cls(settings.auth_audience, settings.auth_issuer, settings.auth_hs256_secret)
        raise AuthNotConfigured(
            "no authentication configured: set AUTH_HS256_SECRET (development) or "
            "AUTH_JWKS_URL (production), or AUTH_DISABLED=true to run without authentication"
        )

    async def verify(self, token: str) -> Principal:
        """The principal of a valid token; :class:`Unauthorized` otherwise."""
        try:
            if self.jwks is not None:
                signing = await asyncio.to_thread(self.jwks.get_signing_key_from_jwt, token)
                key: Any = signing.key
                algorithms = ["RS256"]
            else:
                key, algorithms = self.secret, ["HS256"]
            claims = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "sub", "aud", "iss"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("the token has expired") from exc
        except jwt.InvalidAudienceError as exc:
            raise Unauthorized("the token is not for this platform (audience)") from exc
        except jwt.InvalidIssuerError as exc:
            raise Unauthorized("the token's issuer is not trusted") from exc
        except jwt.InvalidSignatureError as exc:
            raise Unauthorized("the token's signature does not verify") from exc
        except jwt.PyJWKClientError as exc:
            raise Unauthorized(f"the token's key is unknown: {exc}") from exc
        except jwt.InvalidTokenError as exc:
            raise Unauthorized(f"malformed token: {exc}") from exc
        return principal_of(claims)


def principal_of(claims: dict[str, Any]) -> Principal:
    """The principal a verified token's claims describe (:class:`Unauthorized` if they do not
    make one: an unknown role, a brand token without its brand)."""
    try:
        role = Role(str(claims.get("role")))
    except ValueError as exc:
        raise Unauthorized(f"unknown role {claims.get('role')!r}") from exc
    id_marca = claims.get("id_marca")
    campanas = claims.get("campanas") or []
    if role is Role.MARCA and not isinstance(id_marca, str):
        raise Unauthorized("a marca token must name its id_marca")
    if not isinstance(campanas, list) or not all(isinstance(c, str) for c in campanas):
        raise Unauthorized("campanas must be a list of campaign ids")
    if role is Role.TRACKER and not campanas:
        raise Unauthorized("a tracker token must name its campanas")
    return Principal(str(claims["sub"]), role, id_marca, frozenset(campanas))


def issue(
    secret: str,
    role: Role,
    *,
    subject: str | None = None,
    id_marca: str | None = None,
    campanas: Iterable[str] = (),
    ttl_seconds: float = 12 * 3600,
    audience: str = "alpes-partners",
    issuer: str = "alpes-partners",
) -> str:
    """An HS256 token for ``role`` (``alpes token``, tests)."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": subject or (id_marca if role is Role.MARCA else role.value),
        "role": role.value,
        "aud": audience,
        "iss": issuer,
        "iat": now,
        "exp": now + int(ttl_seconds),
    }
    if id_marca is not None:
        claims["id_marca"] = id_marca
    if campanas:
        claims["campanas"] = sorted(campanas)
    return jwt.encode(claims, secret, algorithm="HS256")


def dev_key(data_dir: Path) -> str:
    """The development signing key kept in ``data_dir`` (made the first time)."""
    path = data_dir / DEV_KEY_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    bearerFormat="JWT",
    description="A JWT with a role (`alpes token --admin | --marca ID | --tracker CAMPAIGN`); "
    "the scopes listed on a route are the roles it allows.",
)


def _challenge(error: str | None = None, description: str | None = None) -> dict[str, str]:
    value = 'Bearer realm="alpes"'
    if error:
        value += f', error="{error}"'
    if description:
        value += ', error_description="{}"'.format(description.replace('"', "'"))
    return {"WWW-Authenticate": value}


async def bearer_principal(
    request: Request, credentials: HTTPAuthorizationCredentials | None
) -> Principal | None:
    """Who the request's bearer token says is asking; None without one; a 401 for a token
    that does not verify. (For routes that take other credentials too: tracking's ingestion.)"""
    auth: Authenticator = request.app.state.auth
    if auth.disabled:
        return ANONYMOUS
    if credentials is None:
        return None
    try:
        return await auth.verify(credentials.credentials)
    except Unauthorized as exc:
        raise HTTPException(401, str(exc), _challenge("invalid_token", str(exc))) from exc


def check_role(principal: Principal, scopes: SecurityScopes) -> Principal:
    """``principal``, if its role is one of the route's (its security scopes); else a 403."""
    if principal.role.value not in scopes.scopes:
        raise HTTPException(
            403, f"a {principal.role.value} token may not do this (allowed: {scopes.scope_str})"
        )
    return principal


async def authenticated(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """Who the request's bearer token says is asking, whatever the route allows (401 if none)."""
    principal = await bearer_principal(request, credentials)
    if principal is None:
        raise HTTPException(401, "authentication required: a bearer token", _challenge())
    return principal


async def _allowed(
    scopes: SecurityScopes, principal: Annotated[Principal, Depends(authenticated)]
) -> Principal:
    return check_role(principal, scopes)


def allow(*roles: Role) -> Any:
    """The dependency of a route that ``roles`` may call (403 for any other role)."""
    return Security(_allowed, scopes=[role.value for role in roles])


Admin = Annotated[Principal, allow(Role.ADMIN)]
"""Only the platform's operators."""

AdminOrMarca = Annotated[Principal, allow(Role.ADMIN, Role.MARCA)]
"""Operators, and brands within their own brand (the route checks ``owns``)."""

AnyRole = Annotated[Principal, allow(Role.ADMIN, Role.MARCA, Role.TRACKER)]
"""Any authenticated caller (the route narrows what each sees)."""


def hidden_unless(allowed: bool, detail: str) -> None:
    """A 404 with ``detail`` for what the principal may not see: to another brand, a brand's
    campaign does not exist (the answer leaks nothing of it)."""
    if not allowed:
        raise HTTPException(404, detail)


def forbidden_unless(allowed: bool, detail: str) -> None:
    """A 403 when the principal may see the resource but not do this to it."""
    if not allowed:
        raise HTTPException(403, detail)
