"""The AsyncAPI documents: generated from the apps and contracts, committed, never stale."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alpes.cli import write_asyncapi
from alpes.settings import SERVICES

ROOT = Path(__file__).resolve().parents[3]
COMMITTED = ROOT / "docs" / "asyncapi"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("asyncapi")
    write_asyncapi(out)
    return out


@pytest.mark.parametrize("service", list(SERVICES))
def test_committed_document_is_current(generated: Path, service: str) -> None:
    committed = COMMITTED / f"{service}.json"
    assert committed.exists(), "run `alpes asyncapi` and commit docs/asyncapi/"
    assert json.loads(committed.read_text()) == json.loads(
        (generated / f"{service}.json").read_text()
    ), f"docs/asyncapi/{service}.json is stale: run `alpes asyncapi` and commit it"


@pytest.mark.parametrize("service", list(SERVICES))
def test_channels_carry_pulsar_bindings_and_avro_messages(generated: Path, service: str) -> None:
    doc = json.loads((generated / f"{service}.json").read_text())
    assert doc["asyncapi"].startswith("3.")
    channels = doc["channels"]
    assert any(c["address"].endswith(f"alpes.{service}.eventos") for c in channels.values()), (
        "what it publishes"
    )
    assert len(channels) == 4, "its own topic and the three it consumes"
    for channel in channels.values():
        assert channel["bindings"]["pulsar"]["persistence"] == "persistent"
        assert channel["messages"], channel
    for message in doc["components"]["messages"].values():
        assert message["contentType"] == "application/avro"
        assert message["payload"]["schemaFormat"].startswith("application/vnd.apache.avro")
        assert message["payload"]["schema"]["type"] == "record"
    receives = [op for op in doc["operations"].values() if op["action"] == "receive"]
    assert receives and all(
        op["x-pulsar-subscription"]["subscription"] == service for op in receives
    )
