"""End-to-end fixtures: the four services as separate processes, as ``alpes dev`` runs them,
on the session's pulsar-lite and embedded PostgreSQL, each in a fresh database and namespace.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from alpes.infra import EmbeddedPostgres, PulsarLite, free_port
from alpes.settings import SERVICES
from tests.auth import ADMIN, TEST_KEY
from tests.e2e.api import Api


@dataclass
class ServiceProcess:
    name: str
    port: int
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    ready_path: str = "/ready"
    """What answers 200 once the process serves (the console's is ``/api/config``)."""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "alpes.cli", "serve", self.name],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise AssertionError(f"{self.name} exited:\n{self.log_tail()}")
            try:
                if httpx.get(f"{self.url}{self.ready_path}", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"{self.name} not ready in {timeout} s:\n{self.log_tail()}")

    def kill9(self) -> None:
        """Crash: SIGKILL, no shutdown hooks."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@dataclass
class Platform:
    namespace: str
    broker_url: str
    services: dict[str, ServiceProcess] = field(default_factory=dict)

    def url(self, name: str) -> str:
        return self.services[name].url

    def __getitem__(self, name: str) -> ServiceProcess:
        return self.services[name]

    def stop(self) -> None:
        for service in self.services.values():
            service.stop()


def launch_platform(
    postgres: EmbeddedPostgres,
    broker_url: str,
    log_dir: Path,
    create_namespace: Callable[[str], None] | None = None,
    service_env: Mapping[str, Mapping[str, str]] | None = None,
    **env: str,
) -> Platform:
    """Start the four services; ``env`` goes to every one, ``service_env[name]`` to one."""
    run = uuid.uuid4().hex[:8]
    namespace = f"public/e2e{run}"
    if create_namespace is not None:
        create_namespace(namespace)
    platform = Platform(namespace=namespace, broker_url=broker_url)
    for name in SERVICES:
        database = f"e2e_{name}_{run}"
        postgres.create_database(database)
        port = free_port()
        platform.services[name] = ServiceProcess(
            name=name,
            port=port,
            log_path=log_dir / f"{name}-{run}.log",
            env={
                **os.environ,
                "SERVICE": name,
                "PULSAR_URL": broker_url,
                "DATABASE_URL": postgres.url(database),
                "TOPIC_NAMESPACE": namespace,
                "PORT": str(port),
                "NACK_DELAY_MS": "200",
                "MAX_REDELIVERIES": "3",
                "DATABASE_POOL_SIZE": "10",
                "AUTH_HS256_SECRET": TEST_KEY,
                **env,
                **(service_env or {}).get(name, {}),
            },
        )
    for service in platform.services.values():
        service.start()
    for service in platform.services.values():
        service.wait_ready()
    return platform


@contextmanager
def running_platform(
    postgres: EmbeddedPostgres,
    broker: PlatformBroker,
    log_dir: Path,
    service_env: Mapping[str, Mapping[str, str]] | None = None,
    **env: str,
) -> Iterator[Platform]:
    """The four services as processes (``launch_platform``), stopped on the way out."""
    platform = launch_platform(
        postgres, broker.url, log_dir, broker.create_namespace, service_env, **env
    )
    try:
        yield platform
    finally:
        platform.stop()


@dataclass(frozen=True)
class PlatformBroker:
    """The broker a module's platform runs on; ``create_namespace`` where it needs one made."""

    url: str
    create_namespace: Callable[[str], None] | None = None


@pytest.fixture(scope="module")
def platform_postgres(postgres: EmbeddedPostgres) -> EmbeddedPostgres:
    """The PostgreSQL of the module's platform (a module overrides this fixture)."""
    return postgres


@pytest.fixture(scope="module")
def platform_broker(pulsar_lite: PulsarLite) -> PlatformBroker:
    """The broker of the module's platform (a module overrides this fixture)."""
    return PlatformBroker(pulsar_lite.url)


@pytest.fixture(scope="module")
def suite_settings() -> dict[str, str]:
    """Environment of every platform of a folder (a folder's conftest overrides this fixture)."""
    return {}


@pytest.fixture(scope="module")
def platform_settings() -> dict[str, str]:
    """Extra environment for the module's platform (a module overrides this fixture)."""
    return {"SAGA_DEADLINE_SECONDS": "30"}


@pytest.fixture(scope="module")
def service_settings() -> dict[str, dict[str, str]]:
    """Extra environment for one service of the module's platform, by service name."""
    return {}


@pytest.fixture(scope="module")
def platform(
    *,
    platform_postgres: EmbeddedPostgres,
    platform_broker: PlatformBroker,
    suite_settings: dict[str, str],
    platform_settings: dict[str, str],
    service_settings: dict[str, dict[str, str]],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Platform]:
    """The four services as processes; shared by the tests of one module."""
    with running_platform(
        platform_postgres,
        platform_broker,
        tmp_path_factory.mktemp("logs"),
        service_settings,
        **{**suite_settings, **platform_settings},
    ) as running:
        yield running


@pytest.fixture
async def api(platform: Platform) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(timeout=30, headers=ADMIN) as client:
        yield Api(platform, client)
