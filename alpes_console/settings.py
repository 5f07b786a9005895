"""What the console reads from its environment, besides the platform's own settings
(``alpes.settings.Settings``: authentication, the broker for dead letters, influencer capacity).
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from alpes.settings import SERVICES

CONSOLE_PORT = 8000
"""The console's HTTP port unless told otherwise."""


class ConsoleSettings(BaseSettings):
    """``CONSOLE_*``: where the console listens, where the four services answer, and how
    often the live feed looks."""

    model_config = SettingsConfigDict(env_prefix="CONSOLE_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = CONSOLE_PORT
    afiliaciones_url: str = f"http://localhost:{SERVICES['afiliaciones']}"
    marca_url: str = f"http://localhost:{SERVICES['marca']}"
    influencer_url: str = f"http://localhost:{SERVICES['influencer']}"
    tracking_url: str = f"http://localhost:{SERVICES['tracking']}"
    poll_seconds: float = Field(
        default=1.0, gt=0, description="how often the live feed reads afiliaciones' timeline"
    )
    request_timeout_seconds: float = Field(default=10.0, gt=0)
    dead_letter_idle_seconds: float = Field(
        default=0.5,
        gt=0,
        description="how long listing dead letters waits on a subscription before it is empty",
    )

    def service_urls(self) -> dict[str, str]:
        """Every service's base URL, by service name (no trailing slash)."""
        return {name: str(getattr(self, f"{name}_url")).rstrip("/") for name in SERVICES}
