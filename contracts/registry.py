"""Every event class, its Avro schema, its fingerprint, and the committed schema snapshots.

Schema identity
    A message carries the writer's full record name and fingerprint. The fingerprint is the
    CRC-64-AVRO (Rabin) fingerprint, as 16 hex digits, of the schema's Parsing Canonical Form
    *extended with logical types* (``logicalType``, ``precision``, ``scale``). Plain Parsing
    Canonical Form drops logical types, so ``timestamp-millis`` -> ``timestamp-micros`` would keep
    the fingerprint while changing what the bytes mean. Docs, defaults and aliases do not affect
    how bytes are written, so they do not change the fingerprint either.

Snapshots
    ``contracts/schemas/<full.record.name>/<fingerprint>.avsc`` holds every schema version ever
    committed. A reader decodes any of them by resolving it against its current class. A doc or
    default change keeps the fingerprint and rewrites that file in place (``python -m
    contracts.snapshot``); a wire change adds a file. Files are never deleted by the tool.
"""

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from fastavro.schema import fingerprint as _fingerprint
from fastavro.schema import parse_schema

from contracts.afiliaciones import (
    CampanaCancelada,
    CampanaConfirmada,
    CampanaCreada,
    CampanaFinalizada,
    CampanaIniciada,
)
from contracts.base import IntegrationEvent
from contracts.influencer import (
    AsignacionInfluencersRechazada,
    InfluencersAsignados,
    InfluencersLiberados,
)
from contracts.marca import PresupuestoLiberado, PresupuestoReservado, ReservaPresupuestoRechazada
from contracts.tracking import (
    HabilitacionTrackingRechazada,
    TrackingDeshabilitado,
    TrackingHabilitado,
)

Schema = dict[str, Any]

EVENTS: tuple[type[IntegrationEvent], ...] = (
    CampanaCreada,
    CampanaConfirmada,
    CampanaCancelada,
    CampanaIniciada,
    CampanaFinalizada,
    PresupuestoReservado,
    ReservaPresupuestoRechazada,
    PresupuestoLiberado,
    InfluencersAsignados,
    AsignacionInfluencersRechazada,
    InfluencersLiberados,
    TrackingHabilitado,
    HabilitacionTrackingRechazada,
    TrackingDeshabilitado,
)
"""Every integration event; the codec refuses anything else."""

SCHEMAS_DIR = Path(__file__).resolve().parent / "schemas"
SNAPSHOT_SUFFIX = ".avsc"


def schema_of(event_type: type[IntegrationEvent]) -> Schema:
    """The current Avro schema of an event class, as plain JSON data."""
    return event_type.avro_schema_to_python()


def record_name(schema: Schema) -> str:
    """The full name (``namespace.Name``) of a record schema."""
    name = str(schema["name"])
    namespace = schema.get("namespace")
    if "." in name or not namespace:
        return name
    return f"{namespace}.{name}"


def canonical_form(schema: Schema) -> str:
    """Parsing Canonical Form plus logical types: what decides how bytes are written."""
    out: list[str] = []
    _canonical(parse_schema(schema, _write_hint=False), out)
    return "".join(out)


def fingerprint(schema: Schema) -> str:
    """CRC-64-AVRO fingerprint of ``canonical_form(schema)``, 16 hex digits."""
    return str(_fingerprint(canonical_form(schema), "CRC-64-AVRO"))


def _canonical(schema: Any, out: list[str]) -> None:
    if isinstance(schema, list):
        out.append("[")
        for index, branch in enumerate(schema):
            if index:
                out.append(",")
            _canonical(branch, out)
        out.append("]")
    elif isinstance(schema, str):  # a primitive or a reference to a named type (full name)
        out.append(json.dumps(schema))
    elif schema["type"] in ("record", "error"):
        out.append(f'{{"name":{json.dumps(schema["name"])},"type":"record","fields":[')
        for index, field in enumerate(schema["fields"]):
            if index:
                out.append(",")
            out.append(f'{{"name":{json.dumps(field["name"])},"type":')
            _canonical(field["type"], out)
            out.append("}")
        out.append("]}")
    elif schema["type"] in ("array", "map"):
        key = "items" if schema["type"] == "array" else "values"
        out.append(f'{{"type":"{schema["type"]}","{key}":')
        _canonical(schema[key], out)
        out.append("}")
    else:
        out.append(_canonical_leaf(schema))


def _canonical_leaf(schema: dict[str, Any]) -> str:
    """An enum, a fixed or a primitive, with its logical type if it has one."""
    kind = schema["type"]
    parts = [f'"type":{json.dumps(kind)}']
    if kind in ("enum", "fixed"):
        parts.insert(0, f'"name":{json.dumps(schema["name"])}')
    if kind == "enum":
        parts.append(f'"symbols":{json.dumps(schema["symbols"], separators=(",", ":"))}')
    if kind == "fixed":
        parts.append(f'"size":{int(schema["size"])}')
    parts.extend(
        f'"{key}":{json.dumps(schema[key])}'
        for key in ("logicalType", "precision", "scale")
        if key in schema
    )
    return "{" + ",".join(parts) + "}" if len(parts) > 1 else json.dumps(kind)


def snapshot_path(schemas_dir: Path, record: str, schema_fingerprint: str) -> Path:
    """Where the snapshot of one schema version lives."""
    return schemas_dir / record / f"{schema_fingerprint}{SNAPSHOT_SUFFIX}"


def dump_schema(schema: Schema) -> str:
    """The text of a snapshot file (stable: the same schema always gives the same bytes)."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def iter_snapshots(schemas_dir: Path = SCHEMAS_DIR) -> Iterator[tuple[str, str, Path]]:
    """(record name, fingerprint from the file name, path) of every committed snapshot."""
    if not schemas_dir.is_dir():
        return
    for record_dir in sorted(path for path in schemas_dir.iterdir() if path.is_dir()):
        for path in sorted(record_dir.glob(f"*{SNAPSHOT_SUFFIX}")):
            yield record_dir.name, path.name.removesuffix(SNAPSHOT_SUFFIX), path


def load_snapshots(schemas_dir: Path = SCHEMAS_DIR) -> dict[str, dict[str, Schema]]:
    """record name -> fingerprint -> schema, for every committed snapshot.

    Raises ``ValueError`` when a file's name is not the fingerprint of its content or its record
    is not the directory's name: a hand-edited snapshot would otherwise decode bytes wrongly.
    """
    snapshots: dict[str, dict[str, Schema]] = {}
    for record, schema_fingerprint, path in iter_snapshots(schemas_dir):
        schema = json.loads(path.read_text(encoding="utf-8"))
        if record_name(schema) != record or fingerprint(schema) != schema_fingerprint:
            raise ValueError(
                f"{path}: content is {record_name(schema)}/{fingerprint(schema)}; "
                "regenerate with `python -m contracts.snapshot`"
            )
        snapshots.setdefault(record, {})[schema_fingerprint] = schema
    return snapshots


def current_schemas(
    events: tuple[type[IntegrationEvent], ...] = EVENTS,
) -> Mapping[str, Schema]:
    """record name -> current schema, for the given event classes."""
    return {record_name(schema): schema for schema in map(schema_of, events)}
