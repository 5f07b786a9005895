"""The web console of Alpes Partners (issue 11): a page served by its own small process on
port 8000, over the four services' HTTP APIs (docs/console.md).

``create_app()`` builds the app; ``serve(host, port, settings)`` runs it with uvicorn;
``main()`` is ``python -m alpes_console``.
"""

from __future__ import annotations

from .app import create_app
from .server import main, serve
from .settings import CONSOLE_PORT, ConsoleSettings

__all__ = ["CONSOLE_PORT", "ConsoleSettings", "create_app", "main", "serve"]
