"""The console (``alpes_console``) as a process beside a test platform, as ``alpes dev`` runs it:
its own port, the services' URLs, the platform's signing key, broker and namespace."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from alpes.infra import free_port
from tests.auth import TEST_KEY
from tests.e2e.conftest import Platform


@dataclass
class ConsoleProcess:
    port: int
    log_path: Path
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the console exited:\n{self.log_tail()}")
            try:
                if httpx.get(f"{self.url}/api/config", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"the console not ready in {timeout} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


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
    """``python -m alpes_console`` on a free port for ``platform``; stopped on the way out."""
    port = free_port()
    log_path = log_dir / f"console-{port}.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "alpes_console", "--port", str(port)],
            env=console_env(platform, **env),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    console = ConsoleProcess(port=port, log_path=log_path, process=process)
    try:
        console.wait_ready()
        yield console
    finally:
        console.stop()
