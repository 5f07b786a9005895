"""Session fixtures: the real brokers and the embedded PostgreSQL the suites run against.

``ALPES_TEST_BROKERS`` lists the brokers the conformance suite runs on (default
``lite``; ``.ci/run`` adds ``apache`` for the Apache Pulsar standalone lane). A broker
that is asked for and cannot be started fails the run; nothing is skipped.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from alpes.infra import EmbeddedPostgres, PulsarLite
from tests.helpers import serving

ROOT = Path(__file__).resolve().parent.parent


def requested_brokers() -> list[str]:
    return [b.strip() for b in os.environ.get("ALPES_TEST_BROKERS", "lite").split(",") if b.strip()]


@pytest.fixture(scope="session")
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="alpes-tests-") as d:
        yield Path(d)


@pytest.fixture(scope="session")
def pulsar_lite(workdir: Path) -> Iterator[PulsarLite]:
    yield from serving(PulsarLite.start, workdir / "pulsar-lite")


class ApachePulsar:
    """Apache Pulsar standalone, assembled from Maven artifacts by scripts/pulsar-standalone."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        script = ROOT / "scripts" / "pulsar-standalone"
        out = subprocess.run(
            [str(script), "start", str(data_dir)], capture_output=True, text=True, check=False
        )
        if out.returncode != 0:
            pytest.fail(f"Apache Pulsar standalone did not start:\n{out.stderr[-4000:]}")
        self.url = out.stdout.strip().splitlines()[-1]
        self.web_url = (data_dir / "web-url").read_text().strip()

    def create_namespace(self, namespace: str) -> None:
        """Apache Pulsar needs a namespace to exist before its topics can."""
        r = httpx.put(f"{self.web_url}/admin/v2/namespaces/{namespace}", timeout=30)
        assert r.status_code in (204, 409), (r.status_code, r.text)

    def stop(self) -> None:
        subprocess.run(
            [str(ROOT / "scripts" / "pulsar-standalone"), "stop", str(self.data_dir)], check=False
        )


@pytest.fixture(scope="session")
def apache_pulsar(workdir: Path) -> Iterator[ApachePulsar]:
    yield from serving(ApachePulsar, workdir / "apache-pulsar")


@pytest.fixture(scope="session", params=requested_brokers())
def broker_url(request: pytest.FixtureRequest) -> str:
    """The URL of each real broker in turn."""
    if request.param == "lite":
        return str(request.getfixturevalue("pulsar_lite").url)
    if request.param == "apache":
        return str(request.getfixturevalue("apache_pulsar").url)
    pytest.fail(f"unknown broker {request.param!r} in ALPES_TEST_BROKERS")


@pytest.fixture(scope="session")
def postgres(workdir: Path) -> Iterator[EmbeddedPostgres]:
    yield from serving(EmbeddedPostgres.start, workdir / "postgres")
