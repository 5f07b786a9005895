"""``alpes dead-letters``: where it finds the broker, what it reads from the wiring, the table."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from alpes.dead_letters import DeadLetter, cli_settings, dead_letter_topics, table
from alpes.settings import Settings


def test_without_pulsar_url_the_broker_alpes_dev_runs_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PULSAR_URL", raising=False)
    monkeypatch.delenv("ALPES_DATA_DIR", raising=False)
    (tmp_path / ".alpes").mkdir()
    (tmp_path / ".alpes" / "pulsar.port").write_text("6651")

    assert cli_settings().pulsar_url == "pulsar://127.0.0.1:6651"

    monkeypatch.setenv("PULSAR_URL", "pulsar://broker:6650")
    assert cli_settings().pulsar_url == "pulsar://broker:6650"


def test_every_subscription_of_a_service_has_a_retained_dead_letter_topic() -> None:
    topics = dead_letter_topics(Settings(topic_namespace="t/ns"), "marca")

    assert sorted(t.dead_letter_topic for t in topics) == [
        f"persistent://t/ns/alpes.{context}.eventos-marca-DLQ"
        for context in ("afiliaciones", "influencer", "tracking")
    ]
    assert {(t.service, t.subscription, t.retain_subscription) for t in topics} == {
        ("marca", "marca", "dead-letters")
    }
    assert len(dead_letter_topics(Settings(topic_namespace="t/ns"))) == 12  # 4 services x 3


def test_an_unknown_service_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown service"):
        dead_letter_topics(Settings(), "contabilidad")


def test_the_table_shows_topic_event_id_reason_first_failure_and_attempts() -> None:
    letter = DeadLetter(
        service="marca",
        topic="persistent://public/default/alpes.afiliaciones.eventos",
        subscription="marca",
        dead_letter_topic="persistent://public/default/alpes.afiliaciones.eventos-marca-DLQ",
        id="e-1",
        event_type="CampanaCancelada",
        reason="permanent failure:\n  ValueError: " + "x" * 100,
        first_failure=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        attempts=3,
        dead_lettered_at=datetime(2026, 1, 2, 3, 4, 6, tzinfo=UTC),
        occurred_at=None,
        payload=b"",
        properties={},
    )

    header, row = table([letter]).splitlines()

    assert header.split("  ")[0] == "SERVICE"
    assert row.split()[:4] == ["marca", "alpes.afiliaciones.eventos", "CampanaCancelada", "e-1"]
    assert "permanent failure: ValueError: xx" in row
    assert row.split()[-2:] == ["2026-01-02T03:04:05+00:00", "3"]
    assert table([]) == "no dead letters"
