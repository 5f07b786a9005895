"""``alpes demo`` against the platform: four service processes, a real broker and databases.

The tour runs as a user runs it (``python -m alpes.demo``, the command ``alpes demo`` runs),
in a process of its own; what is checked is what its user sees: the exit code and the output.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

from alpes.infra import free_port
from alpes.settings import SERVICES
from tests.auth import token
from tests.e2e.conftest import Platform

EVENTS = 120


def demo(
    urls: dict[str, str], *args: str, timeout: float = 240
) -> subprocess.CompletedProcess[str]:
    options = [opt for name, url in urls.items() for opt in (f"--{name}-url", url)]
    env = {k: v for k, v in os.environ.items() if k not in ("ALPES_TOKEN", "AUTH_HS256_SECRET")}
    return subprocess.run(
        [sys.executable, "-m", "alpes.demo", *options, *args],
        env={**env, "COLUMNS": "200", "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def urls_of(platform: Platform) -> dict[str, str]:
    return {name: platform.url(name) for name in SERVICES}


def test_the_tour_confirms_refuses_cancels_and_counts_the_traffic(platform: Platform) -> None:
    run = demo(urls_of(platform), "--token", token(), "--events", str(EVENTS))
    out = run.stdout
    assert run.returncode == 0, f"exit {run.returncode}\n{out}\n{run.stderr}"
    # each saga drawn: the confirmed one, the one marca refused, the one the user cancelled
    assert "completada / confirmada" in out, out
    assert "ReservaPresupuestoRechazada" in out, out
    assert out.count("compensada / cancelada") == 2, out
    for compensation in ("PresupuestoLiberado", "InfluencersLiberados", "TrackingDeshabilitado"):
        assert compensation in out, out
    # the summary: the three outcomes and the traffic, each step ok
    summary = out[out.index("alpes demo: summary") :]
    assert "saga completada, campaign confirmada" in summary, summary
    assert "reservation rechazada, campaign cancelada, saga compensada" in summary, summary
    assert "campaign cancelada by usuario, saga compensada, 3 compensations" in summary, summary
    assert f"total_eventos {EVENTS}" in summary, summary
    assert re.search(r"vistas 72\b.*clics 30\b.*conversiones 12\b", summary), summary
    assert summary.count("ok") >= 4 and "FAILED" not in summary, summary
    assert "Every step behaved as expected." in out


def test_a_token_the_platform_does_not_accept_stops_the_tour_at_once(platform: Platform) -> None:
    forged = token()[:-4] + "AAAA"
    run = demo(urls_of(platform), "--token", forged, timeout=60)
    assert run.returncode == 2, f"exit {run.returncode}\n{run.stdout}\n{run.stderr}"
    assert "refused the credentials (401)" in run.stdout, run.stdout


def test_a_platform_that_is_not_there_is_reported_not_toured() -> None:
    nowhere = {name: f"http://127.0.0.1:{free_port()}" for name in SERVICES}
    run = demo(nowhere, "--token", token(), timeout=60)
    assert run.returncode == 2, f"exit {run.returncode}\n{run.stdout}\n{run.stderr}"
    assert "The platform is not ready" in run.stdout, run.stdout
