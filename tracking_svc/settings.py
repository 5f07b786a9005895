"""Tracking's own settings, beside the shared ``alpes.settings.Settings``: how ingestion is
authenticated and limited (docs/security.md). Read once, from the environment, when the app is
built (``bootstrap``), like every setting.

Rate limits (``alpes.ratelimit``, per replica):

- per credential (a tracker token's subject, an ingest key, a signed code), in **events**: a bulk
  request counts its events. 2,000 events/s with bursts of 4,000 (four full bulks of 1,000):
  a sustained 2,000 events/s is some 170 million events a day from one integration to one
  replica, far beyond a campaign's traffic, and well under what one replica ingests in bulk
  (about 20,000 events/s on the reference machine), so one runaway client cannot take it all;
- per client address, in **requests**: 200 requests/s with bursts of 400. An address is a
  browser, a server or a NAT of many users; links and pixels send a few requests each. It
  bounds, for each address, the work before a credential is known to be good (key look-ups,
  signature checks), so guessing keys or signatures is slow. The address is the TCP peer's:
  behind a proxy, that proxy (give it a higher limit, or limit at the proxy).

The platform's operators (``admin`` tokens) are not limited.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class TrackingSettings(BaseSettings):
    """``TRACKING_CODE_KEY``, ``TRACKING_RATE_PER_CREDENTIAL``, ..."""

    model_config = SettingsConfigDict(extra="ignore")

    tracking_code_key: str | None = Field(default=None, repr=False, min_length=32)
    """The HMAC-SHA256 key that signs influencers' codes for links and pixels (``firma``).
    Unset: derived from ``AUTH_HS256_SECRET`` (development); with neither, codes carry no
    signature and a signature is never accepted."""
    tracking_rate_per_credential: float = Field(default=2_000.0, gt=0)
    tracking_burst_per_credential: float = Field(default=4_000.0, gt=0)
    tracking_rate_per_address: float = Field(default=200.0, gt=0)
    tracking_burst_per_address: float = Field(default=400.0, gt=0)
    tracking_ingest_key_cache_seconds: float = Field(default=5.0, ge=0)
    """How long a replica trusts an ingest key it looked up: a key revoked on another replica
    stops working there within this time (on the replica that revoked it, at once)."""
