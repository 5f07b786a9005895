"""The console (``alpes_console``) as a process beside a test platform, as ``alpes dev`` runs it:
its own port, the services' URLs, the platform's signing key, broker and namespace."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alpes.infra import free_port
from tests.auth import TEST_KEY
from tests.e2e.conftest import Platform, ServiceProcess

ConsoleProcess = ServiceProcess
"""The console is served like a service (``alpes serve console``), ready at ``/api/config``."""


def console_env(platform: Platform, **env: str) -> dict[str, str]:
    """The console's environment for ``platform``."""
    return {
        **os.environ,
        **{f"CONSOLE_{name.upper()}_URL": platform.url(name) for name in platform.services},
        "AUTH_HS256_SECRET": TEST_KEY,
        "PULSAR_URL": platform.broker_url,
        "TOPIC_NAMESPACE": platform.namespace,
        "CONSOLE_POLL_SECONDS": "0.25",
        **env,
    }


@contextmanager
def running_console(platform: Platform, log_dir: Path, **env: str) -> Iterator[ConsoleProcess]:
    """``alpes serve console`` on a free port for ``platform``; stopped on the way out."""
    port = free_port()
    console = ServiceProcess(
        name="console",
        port=port,
        env=console_env(platform, CONSOLE_PORT=str(port), **env),
        log_path=log_dir / f"console-{port}.log",
        ready_path="/api/config",
    )
    console.start()
    try:
        console.wait_ready()
        yield console
    finally:
        console.stop()
