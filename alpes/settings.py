"""Settings, read once from the environment by pydantic-settings and passed down."""

from __future__ import annotations

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SERVICES: dict[str, int] = {
    "afiliaciones": 8001,
    "marca": 8002,
    "influencer": 8003,
    "tracking": 8004,
}
"""Every service and its seed-compatible HTTP port."""


class Settings(BaseSettings):
    """What a service reads from its environment (``PULSAR_URL``, ``DATABASE_URL``, ...)."""

    model_config = SettingsConfigDict(extra="ignore")

    service: str = Field(default="afiliaciones", description="which service this process runs")
    pulsar_url: str = "pulsar://localhost:6650"
    pulsar_auth_token: str | None = None
    # TLS comes with a pulsar+ssl:// URL: the CA file to trust (else the system's) and
    # whether the broker's host name must match its certificate
    pulsar_tls_trust_certs_file: str | None = None
    pulsar_tls_validate_hostname: bool = True
    pulsar_operation_timeout_seconds: float = 30.0
    database_url: str = "postgresql+asyncpg://postgres@localhost/alpes"
    # who may call the HTTP APIs (alpes.auth, docs/security.md): a JWT signed with the HS256
    # key (development) or by a key of the JWKS URL (production, RS256); without either a
    # service refuses to start unless auth_disabled (alpes dev --no-auth)
    auth_hs256_secret: str | None = Field(default=None, repr=False)
    auth_jwks_url: str | None = None
    auth_audience: str = "alpes-partners"
    auth_issuer: str = "alpes-partners"
    auth_disabled: bool = False
    database_pool_size: int = 20
    topic_namespace: str = "public/default"
    host: str = "127.0.0.1"
    port: int | None = None
    log_level: str = "INFO"
    # docs/observability.md: one JSON object per log line; an access line per HTTP request
    log_json: bool = False
    log_access: bool = False

    # observability (docs/observability.md): traces by the standard OTEL_* variables, off
    # unless an exporter is named ("otlp", "console") or ALPES_TRACES is on (spans made and
    # dropped when OTEL_TRACES_EXPORTER is "none"); OTEL_SDK_DISABLED wins over both
    otel_sdk_disabled: bool = False
    otel_traces_exporter: str = "none"
    otel_exporter_otlp_endpoint: str | None = None
    otel_service_name: str | None = None
    alpes_traces: bool = False
    # GET /metrics is public (Prometheus scrapes it) unless this bearer token is set
    metrics_token: str | None = Field(default=None, repr=False)

    # messaging
    max_redeliveries: int = 5
    nack_delay_ms: int = 500
    consumer_workers: int = 8
    outbox_batch_size: int = 500
    outbox_poll_interval_ms: int = 250
    outbox_lag_warning_seconds: float = 30.0

    # failures (docs/adr/0006): transient ones are retried with capped exponential backoff
    # and jitter for ``retry_horizon_seconds``, never dead-lettered inside it
    retry_initial_ms: int = 500
    retry_max_ms: int = 30_000
    retry_horizon_seconds: float = 900.0
    inject_faults: str = Field(
        default="", description="test only: EventName:transient:N or EventName:permanent, ..."
    )

    # retention (docs/reliability.md): idempotency keys, dead letters, inbox rows, tombstones
    idempotency_retention_hours: float = 24.0
    dead_letter_replay_days: float = 7.0
    inbox_retention_days: float = 14.0
    retention_check_seconds: float = 600.0

    # HTTP
    max_body_bytes: int = 1_000_000

    # the saga
    saga_deadline_seconds: float = 30.0
    saga_deadline_check_seconds: float = 1.0
    saga_grace_seconds: float = 30.0
    saga_sweep_interval_seconds: float = 30.0
    # admission control (docs/adr/0010): a saga is refused with 429 while this many are in
    # flight, or while more are in flight than can finish within half their deadline at the
    # rate they have been finishing; the count is read from the database at most every
    # ``saga_backlog_refresh_seconds`` (each replica adds its own admissions in between; 0
    # counts on every request)
    saga_backlog_limit: int = Field(default=100, ge=1)
    saga_backlog_refresh_seconds: float = Field(default=0.25, ge=0)
    marca_credito_inicial: float = 100_000.0
    influencer_max_campanas: int = 3

    @model_validator(mode="after")
    def _horizons_in_order(self) -> Settings:
        # a replayed dead letter must still find the inbox rows of what was handled
        if self.inbox_retention_days <= self.dead_letter_replay_days:
            msg = "INBOX_RETENTION_DAYS must be longer than DEAD_LETTER_REPLAY_DAYS"
            raise ValueError(msg)
        return self

    @property
    def http_port(self) -> int:
        return self.port or SERVICES[self.service]
