"""What can be checked of compose.yml without a Docker engine."""

from __future__ import annotations

from pathlib import Path

import yaml

from alpes.settings import SERVICES, Settings

ROOT = Path(__file__).resolve().parents[3]


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yml").read_text())


def test_every_service_runs_on_the_seeds_port_against_its_own_database() -> None:
    services = compose()["services"]
    databases = set()
    for name, port in SERVICES.items():
        svc = services[name]
        env = svc["environment"]
        assert svc["command"] == [name]
        assert svc["ports"] == [f"{port}:{port}"]
        assert env["PORT"] == str(port) and env["SERVICE"] == name
        assert env["PULSAR_URL"] == "pulsar://pulsar:6650"
        host = env["DATABASE_URL"].split("@", 1)[1].split(":", 1)[0]
        assert host == f"{name}-db" and host in services
        databases.add(host)
        assert set(svc["depends_on"]) == {"pulsar", f"{name}-db"}
        assert all(d["condition"] == "service_healthy" for d in svc["depends_on"].values())
        assert "/ready" in " ".join(svc["healthcheck"]["test"])
    assert len(databases) == len(SERVICES), "one database per service"


def test_every_setting_compose_passes_is_one_the_services_read() -> None:
    known = {name.upper() for name in Settings.model_fields}
    for name in SERVICES:
        env = compose()["services"][name]["environment"]
        assert set(env) <= known, set(env) - known
        settings = Settings(**{k.lower(): v for k, v in env.items()})
        assert settings.http_port == SERVICES[name]


def test_broker_is_apache_pulsar_standalone_with_a_healthcheck() -> None:
    pulsar = compose()["services"]["pulsar"]
    assert pulsar["image"].startswith("apachepulsar/pulsar:")
    assert "standalone" in pulsar["command"]
    assert "healthcheck" in pulsar


def test_the_image_serves_any_service() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["alpes", "serve"]' in dockerfile
    for package in ("faststream_pulsar", "contracts", "alpes", *(f"{s}_svc" for s in SERVICES)):
        assert f"COPY {package} ./{package}" in dockerfile
