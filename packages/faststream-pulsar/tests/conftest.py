"""A real broker for the tests that need one: ``pulsar_url``.

``FASTSTREAM_PULSAR_TEST_URL`` names a running broker; without it a pulsar-lite process
(the ``pulsar-lite`` distribution's binary) is started for the session, on a free port, with
its data in a temporary folder. Where neither is available those tests fail, naming what is
missing (a test that needs a broker and does not find one is not skipped); the rest of the
package's tests run in memory.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

URL_VARIABLE = "FASTSTREAM_PULSAR_TEST_URL"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], deadline_s: float = 20) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            msg = f"pulsar-lite exited with {proc.returncode} before port {port} opened"
            raise RuntimeError(msg)
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    msg = f"pulsar-lite did not open port {port} within {deadline_s} s"
    raise RuntimeError(msg)


def _pulsar_lite_binary() -> Path | None:
    try:
        import pulsar_lite
    except ImportError:
        return None
    binary = Path(pulsar_lite.__file__).parent / "bin" / "pulsar-lite"
    if not binary.exists():
        return None
    if not os.access(binary, os.X_OK):
        binary.chmod(0o755)
    return binary


@pytest.fixture(scope="session")
def pulsar_url() -> Iterator[str]:
    """The URL of a real Pulsar broker for this session."""
    if url := os.environ.get(URL_VARIABLE):
        yield url
        return
    binary = _pulsar_lite_binary()
    if binary is None:
        pytest.fail(f"no real broker: set {URL_VARIABLE} or install pulsar-lite")
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="faststream-pulsar-tests-") as data:
        log = (Path(data) / "pulsar-lite.log").open("ab")
        proc = subprocess.Popen(
            [
                str(binary),
                *("--addr", f"127.0.0.1:{port}"),
                *("--db-path", f"{data}/db"),
                *("--log-level", "warn"),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        try:
            _wait_for_port(port, proc)
            yield f"pulsar://127.0.0.1:{port}"
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
