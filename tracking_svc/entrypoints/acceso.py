"""Who may post tracking events, and how often (docs/security.md).

Ingestion accepts any one of three credentials, looked at in this order:

1. a bearer token (``alpes.auth``): an ``admin``, or a ``tracker`` whose ``campanas`` name
   every event's campaign (else 403);
2. a campaign's ingest key in ``X-Ingest-Key`` (``adapters.claves``): valid only for that
   campaign's events (else 403); unknown or revoked, 401;
3. for links and pixels, one event with an influencer's code signed by the service
   (``firma``: HMAC-SHA256 over the campaign and the code, with ``TRACKING_CODE_KEY``); a
   signature that does not verify, 401.

None of them: 401 with ``WWW-Authenticate``. Every caller but an admin is rate limited
(``alpes.ratelimit``, per replica): per client address in requests, then per credential in
events; over the limit, 429 with ``Retry-After``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader, APIKeyQuery, HTTPAuthorizationCredentials, SecurityScopes
from sqlalchemy.ext.asyncio import AsyncEngine

from alpes.auth import Principal, Role, bearer, bearer_principal, check_role
from alpes.ratelimit import RateLimiter
from alpes.settings import Settings
from tracking_svc.adapters import claves
from tracking_svc.settings import TrackingSettings

CABECERA_CLAVE = "X-Ingest-Key"

clave_ingesta = APIKeyHeader(
    name=CABECERA_CLAVE,
    scheme_name="ingestKey",
    auto_error=False,
    description="A campaign's ingest key (`POST /tracking/campanas/{id_campana}/claves`): "
    "posts that campaign's events only.",
)
firma_codigo = APIKeyQuery(
    name="firma",
    scheme_name="signedCode",
    auto_error=False,
    description="Links and pixels (`POST /tracking/evento` only): the signature of the event's "
    "`id_campana` and `codigo`, as `GET /tracking/campanas/{id_campana}/codigos` gives it "
    "(also accepted as the body's `firma`).",
)

_DESAFIO = {"WWW-Authenticate": 'Bearer realm="alpes", ApiKey header="X-Ingest-Key"'}


def _no_autenticado(detalle: str) -> HTTPException:
    return HTTPException(401, detalle, _DESAFIO)


def clave_de_firmas(settings: Settings, tracking: TrackingSettings) -> bytes | None:
    """The key that signs codes: ``TRACKING_CODE_KEY``, else one derived from the development
    signing key (so ``alpes dev`` signs codes with no more settings); None without either."""
    if tracking.tracking_code_key:
        return tracking.tracking_code_key.encode()
    if settings.auth_hs256_secret:
        return hmac.digest(settings.auth_hs256_secret.encode(), b"tracking-code-key", "sha256")
    return None


@dataclass
class Acceso:
    """Ingestion's credentials and limits, one per app (``app.state.acceso``)."""

    engine: AsyncEngine
    clave_firmas: bytes | None
    por_credencial: RateLimiter
    por_direccion: RateLimiter
    cache_claves: float = 5.0
    _claves: dict[str, tuple[float, str, str]] = field(default_factory=dict, repr=False)

    @classmethod
    def de(cls, engine: AsyncEngine, settings: Settings, tracking: TrackingSettings) -> Acceso:
        return cls(
            engine,
            clave_de_firmas(settings, tracking),
            RateLimiter(
                tracking.tracking_rate_per_credential, tracking.tracking_burst_per_credential
            ),
            RateLimiter(tracking.tracking_rate_per_address, tracking.tracking_burst_per_address),
            tracking.tracking_ingest_key_cache_seconds,
        )

    # --- signed codes ---

    def firma(self, id_campana: str, codigo: str) -> str | None:
        """The signature of an influencer's code in a campaign (None: codes are not signed)."""
        if self.clave_firmas is None:
            return None
        mensaje = f"{id_campana}\n{codigo}".encode()
        digest = hmac.digest(self.clave_firmas, mensaje, hashlib.sha256)
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    def firma_valida(self, id_campana: str, codigo: str | None, firma: str) -> bool:
        esperada = None if codigo is None else self.firma(id_campana, codigo)
        return esperada is not None and hmac.compare_digest(esperada.encode(), firma.encode())

    # --- ingest keys ---

    async def campana_de_clave(self, plano: str) -> tuple[str, str] | None:
        """The (id, campaign) of a live ingest key, trusted for ``cache_claves`` seconds."""
        ahora = time.monotonic()
        visto = self._claves.get(plano)
        if visto is not None and visto[0] > ahora:
            return visto[1], visto[2]
        encontrada = await claves.buscar(self.engine, plano)
        if encontrada is None:
            self._claves.pop(plano, None)
            return None
        if len(self._claves) > 10_000:
            self._claves.clear()
        self._claves[plano] = (ahora + self.cache_claves, *encontrada)
        return encontrada

    def olvidar_clave(self, hash_clave: str) -> None:
        """A key was revoked here: stop trusting it at once."""
        for plano in [p for p in self._claves if claves.resumen(p) == hash_clave]:
            del self._claves[plano]

    # --- the decision ---

    async def autorizar(
        self,
        credencial: Credencial,
        campanas: Collection[str],
        eventos: int,
        codigo: tuple[str, str | None] | None = None,
    ) -> None:
        """Raise the HTTP error that refuses ``eventos`` events of ``campanas`` with
        ``credencial``, if any: 401, 403 or 429. ``codigo`` (campaign, code): the one event of
        a link or pixel, which a signature may authorize."""
        quien = credencial.principal
        if quien is not None and quien.admin:
            return
        _limitar(self.por_direccion, f"ip:{credencial.direccion}", 1, "this address")
        if quien is not None:
            fuera = sorted(c for c in campanas if not quien.tracks(c))
            if fuera:
                raise HTTPException(
                    403, f"this tracker token may not post events of campaign(s) {fuera}"
                )
            sujeto = f"token:{quien.subject}"
        elif credencial.clave is not None:
            encontrada = await self.campana_de_clave(credencial.clave)
            if encontrada is None:
                raise _no_autenticado("unknown or revoked ingest key")
            id_clave, suya = encontrada
            ajenas = sorted(c for c in campanas if c != suya)
            if ajenas:
                raise HTTPException(403, f"this ingest key may not post events of {ajenas}")
            sujeto = f"clave:{id_clave}"
        elif credencial.firma is not None and codigo is not None:
            id_campana, codigo_influencer = codigo
            if not self.firma_valida(id_campana, codigo_influencer, credencial.firma):
                raise _no_autenticado("the code's signature (firma) does not verify")
            sujeto = f"codigo:{id_campana}:{codigo_influencer}"
        else:
            raise _no_autenticado(
                "authentication required: a bearer token, an X-Ingest-Key, or (one event "
                "with an influencer's code) its signature, firma"
            )
        _limitar(self.por_credencial, sujeto, eventos, "this credential")


def _limitar(limiter: RateLimiter, clave: str, n: int, quien: str) -> None:
    espera = limiter.take(clave, n)
    if espera:
        raise HTTPException(
            429,
            f"rate limit exceeded for {quien}: retry in {espera} s",
            {"Retry-After": str(espera)},
        )


@dataclass(frozen=True)
class Credencial:
    """What an ingestion request came with (checked against its events by :class:`Acceso`)."""

    principal: Principal | None
    clave: str | None
    firma: str | None
    direccion: str


async def _portador(
    request: Request,
    scopes: SecurityScopes,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal | None:
    """The bearer token's principal, if the request has one (401 if it is not valid, 403 for
    a role the route does not allow)."""
    principal = await bearer_principal(request, credentials)
    return None if principal is None else check_role(principal, scopes)


_TOKEN_DE_INGESTA = Security(_portador, scopes=[Role.ADMIN.value, Role.TRACKER.value])


def _credencial(
    request: Request, principal: Principal | None, clave: str | None, firma: str | None = None
) -> Credencial:
    direccion = request.client.host if request.client is not None else "unknown"
    return Credencial(principal, clave, firma, direccion)


async def credencial(
    request: Request,
    principal: Annotated[Principal | None, _TOKEN_DE_INGESTA],
    clave: Annotated[str | None, Depends(clave_ingesta)],
    firma: Annotated[str | None, Depends(firma_codigo)],
) -> Credencial:
    """One event's policy: ``admin`` or ``tracker`` tokens, an ingest key, or a signed code
    (its OpenAPI operation lists the three schemes as alternatives)."""
    return _credencial(request, principal, clave, firma)


async def credencial_de_lote(
    request: Request,
    principal: Annotated[Principal | None, _TOKEN_DE_INGESTA],
    clave: Annotated[str | None, Depends(clave_ingesta)],
) -> Credencial:
    """A batch's policy: ``admin`` or ``tracker`` tokens, or an ingest key."""
    return _credencial(request, principal, clave)


CredencialDep = Annotated[Credencial, Depends(credencial)]
CredencialDeLoteDep = Annotated[Credencial, Depends(credencial_de_lote)]


async def acceso_de(request: Request) -> Acceso:
    return request.app.state.acceso  # type: ignore[no-any-return]


AccesoDep = Annotated[Acceso, Depends(acceso_de)]
