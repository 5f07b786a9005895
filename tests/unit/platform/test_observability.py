"""What can be checked of observability without running a service: tracing off costs nothing,
the scrape configuration and the dashboard match what the services export (deploy/)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from alpes.cli import create_app
from alpes.settings import SERVICES, Settings
from alpes.telemetry import Tracing, enabled

ROOT = Path(__file__).resolve().parents[3]


def settings(service: str = "marca", **overrides: Any) -> Settings:
    return Settings(service=service, auth_hs256_secret="k" * 32, **overrides)


@pytest.mark.parametrize(
    ("overrides", "on"),
    [
        ({}, False),
        ({"otel_traces_exporter": "none"}, False),
        ({"otel_traces_exporter": "otlp"}, True),
        ({"otel_traces_exporter": "console"}, True),
        ({"alpes_traces": True}, True),  # made, then dropped
        ({"otel_traces_exporter": "otlp", "otel_sdk_disabled": True}, False),
        ({"alpes_traces": True, "otel_sdk_disabled": True}, False),
    ],
)
def test_tracing_is_on_only_when_the_settings_say_so(overrides: dict[str, Any], on: bool) -> None:
    assert enabled(settings(**overrides)) is on
    assert Tracing.from_settings(settings(**overrides)).on is on


def test_off_installs_nothing_of_opentelemetry() -> None:
    app = create_app("marca", settings())
    service = app.state.service

    middlewares = [type(m).__name__ for m in service.broker.middlewares]
    assert not [m for m in middlewares if "Telemetry" in m]
    assert not [m for m in app.user_middleware if m.cls.__name__ == "ServerSpanMiddleware"]
    assert not service.db.tracing


def test_on_installs_the_broker_middleware_and_the_service_name() -> None:
    app = create_app("tracking", settings("tracking", alpes_traces=True))
    service = app.state.service

    assert "PulsarTelemetryMiddleware" in [type(m).__name__ for m in service.broker.middlewares]
    assert app.user_middleware[0].cls.__name__ == "ServerSpanMiddleware"  # the outermost
    assert service.tracing.provider.resource.attributes["service.name"] == "tracking"
    assert service.db.tracing
    named = Tracing.from_settings(settings(alpes_traces=True, otel_service_name="marca-eu"))
    assert named.provider is not None
    assert named.provider.resource.attributes["service.name"] == "marca-eu"


def test_every_service_has_its_own_registry() -> None:
    registries = {
        name: create_app(name, settings(name)).state.service.metrics.registry for name in SERVICES
    }
    assert len({id(r) for r in registries.values()}) == len(SERVICES)


def exported() -> set[str]:
    """Every metric name the four services register (samples' names included)."""
    names: set[str] = set()
    for name in SERVICES:
        registry = create_app(name, settings(name)).state.service.metrics.registry
        for family in registry.collect():
            names.add(family.name)
            names.update(s.name for s in family.samples)
        names.update(registry._names_to_collectors)
    return names


def test_the_dashboard_queries_only_what_the_services_export() -> None:
    dashboard = json.loads((ROOT / "deploy/grafana/dashboards/alpes.json").read_text())
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    queried = {m for e in exprs for m in re.findall(r"\b((?:alpes|faststream)_[a-z_]+)", e)}
    assert queried, "no metric in the dashboard"
    assert queried <= exported(), queried - exported()
    uid = yaml.safe_load(
        (ROOT / "deploy/grafana/provisioning/datasources/prometheus.yml").read_text()
    )["datasources"][0]["uid"]
    assert {p["datasource"]["uid"] for p in dashboard["panels"]} == {uid}


def test_prometheus_scrapes_every_service_on_its_port() -> None:
    config = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text())
    [job] = config["scrape_configs"]
    targets = {t for group in job["static_configs"] for t in group["targets"]}
    assert job["metrics_path"] == "/metrics"
    assert targets == {f"{name}:{port}" for name, port in SERVICES.items()}


def test_compose_runs_prometheus_and_grafana_under_a_profile() -> None:
    services = yaml.safe_load((ROOT / "compose.yml").read_text())["services"]
    for name in ("prometheus", "grafana", "jaeger"):
        assert services[name]["profiles"] == ["observability"], name
    for name in SERVICES:
        assert services[name].get("profiles") is None  # the platform runs without the profile
        assert services[name]["environment"]["OTEL_TRACES_EXPORTER"] == "none"
