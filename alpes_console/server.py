"""Running the console: ``serve(host, port, settings)`` (what ``alpes serve console`` and
``alpes dev`` call) and ``main()`` (``python -m alpes_console``)."""

from __future__ import annotations

import argparse
import sys

from alpes.auth import AuthNotConfigured
from alpes.logs import configure
from alpes.settings import Settings

from .app import create_app
from .settings import ConsoleSettings

SHUTDOWN_SECONDS = 3
"""How long a stop waits for open connections (live feeds never end by themselves)."""


def serve(
    host: str | None = None,
    port: int | None = None,
    settings: Settings | None = None,
    console: ConsoleSettings | None = None,
) -> None:
    """Serve the console until stopped: on ``host``:``port`` (default ``CONSOLE_HOST``,
    ``CONSOLE_PORT``: 127.0.0.1:8000), with the platform's ``settings`` (default: from the
    environment; the same ``AUTH_*`` the services have) and the services' URLs from
    ``console`` (default: ``CONSOLE_*_URL``, else localhost:8001-8004). Exits with a message
    when the settings name no authentication key and do not disable authentication."""
    import uvicorn

    settings = settings or Settings()
    console = console or ConsoleSettings()
    configure("console", settings.log_level)
    try:
        app = create_app(settings, console)
    except AuthNotConfigured as exc:
        sys.exit(f"alpes console: {exc}")
    uvicorn.run(
        app,
        host=host or console.host,
        port=port or console.port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=SHUTDOWN_SECONDS,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m alpes_console",
        description="The Alpes Partners web console (docs/console.md)",
    )
    parser.add_argument("--host", help="default CONSOLE_HOST or 127.0.0.1")
    parser.add_argument("--port", type=int, help="default CONSOLE_PORT or 8000")
    args = parser.parse_args(argv)
    serve(args.host, args.port)
    return 0
