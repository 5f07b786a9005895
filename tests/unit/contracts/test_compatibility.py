"""The committed snapshots are current, and every version of a record reads every other one."""

import copy
from pathlib import Path
from typing import Any

import pytest

from contracts import EVENTS, fingerprint, record_name, schema_of
from contracts.compatibility import compatibility_problems, samples
from contracts.registry import current_schemas, iter_snapshots, load_snapshots
from contracts.snapshot import main, stale_snapshots, write_snapshots

SNAPSHOTS = load_snapshots()
CURRENT = current_schemas()
VERSIONS = [(record, old) for record, versions in SNAPSHOTS.items() for old in versions]


def test_every_current_schema_has_an_up_to_date_snapshot() -> None:
    stale = stale_snapshots()
    assert not stale, f"run `python -m contracts.snapshot` and commit: {stale}"


def test_every_snapshot_belongs_to_a_current_event() -> None:
    assert set(SNAPSHOTS) == set(CURRENT)


@pytest.mark.parametrize(("record", "old"), VERSIONS)
def test_current_schema_reads_and_is_read_by_every_snapshot(record: str, old: str) -> None:
    problems = compatibility_problems(SNAPSHOTS[record][old], CURRENT[record])
    assert not problems, (
        f"{record}: the current schema is incompatible with committed version {old}. "
        "Make the change compatible (new fields need a default; fields can only go if they had "
        "one; types can only widen) or publish a new record in a new namespace (v2).\n"
        + "\n".join(problems)
    )


def test_the_snapshot_tool_is_idempotent(tmp_path: Path) -> None:
    assert len(write_snapshots(tmp_path)) == len(EVENTS)
    assert write_snapshots(tmp_path) == []
    assert stale_snapshots(tmp_path) == []
    assert main(["--check", "--dir", str(tmp_path)]) == 0
    assert main(["--check", "--dir", str(tmp_path / "empty")]) == 1
    assert {(r, fp) for r, fp, _ in iter_snapshots(tmp_path)} == {
        (r, fingerprint(s)) for r, s in CURRENT.items()
    }


def test_a_doc_change_keeps_the_fingerprint_and_a_logical_type_change_does_not() -> None:
    schema = schema_of(EVENTS[0])
    documented = {**copy.deepcopy(schema), "doc": "otra cosa"}
    millis = copy.deepcopy(schema)
    millis["fields"][1]["type"]["logicalType"] = "timestamp-millis"
    assert fingerprint(documented) == fingerprint(schema)
    assert fingerprint(millis) != fingerprint(schema)
    assert record_name(schema) == "alpes.afiliaciones.v1.CampanaCreada"


# The checker itself, on small synthetic schemas.


def _record(*fields: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "record",
        "name": "Prueba",
        "namespace": "alpes.prueba.v1",
        "fields": list(fields),
    }


BASE = _record({"name": "a", "type": "string"}, {"name": "b", "type": "long"})


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        pytest.param(
            _record(*BASE["fields"], {"name": "c", "type": "string"}),
            ["backward"],
            id="new field without default",
        ),
        pytest.param(_record(BASE["fields"][0]), ["forward"], id="removed field without default"),
        pytest.param(
            _record(BASE["fields"][0], {"name": "b", "type": "string"}),
            ["backward", "forward"],
            id="changed type",
        ),
    ],
)
def test_the_checker_catches_incompatible_changes(new: dict[str, Any], expected: list[str]) -> None:
    problems = compatibility_problems(BASE, new)
    assert sorted({p.split(" ")[0] for p in problems}) == expected


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param(
            BASE,
            _record(*BASE["fields"], {"name": "c", "type": ["null", "string"], "default": None}),
            id="new field with default",
        ),
        pytest.param(
            _record(*BASE["fields"], {"name": "c", "type": "string", "default": ""}),
            BASE,
            id="removed field that had a default",
        ),
        pytest.param(BASE, {**BASE, "doc": "documentado"}, id="doc only"),
    ],
)
def test_the_checker_accepts_compatible_changes(old: dict[str, Any], new: dict[str, Any]) -> None:
    assert compatibility_problems(old, new) == []


def _nested(item_fields: list[dict[str, Any]], symbols: list[str]) -> dict[str, Any]:
    item = {"type": "record", "name": "Item", "fields": item_fields}
    return _record(
        {"name": "items", "type": {"type": "array", "items": item}},
        {"name": "opcional", "type": ["null", {"type": "enum", "name": "E", "symbols": symbols}]},
    )


def test_the_checker_looks_inside_arrays_unions_and_enums() -> None:
    old = _nested([{"name": "x", "type": "string"}], ["A", "B"])
    retyped_item = _nested([{"name": "x", "type": "long"}], ["A", "B"])
    fewer_symbols = _nested([{"name": "x", "type": "string"}], ["A"])
    assert len(samples(old)) == 2  # null branch, then enum branch with symbol B
    assert compatibility_problems(old, retyped_item)
    assert [p.split(" ")[0] for p in compatibility_problems(old, fewer_symbols)] == ["backward"]
