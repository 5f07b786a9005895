"""Avro binary encoding of integration events, with the schema identity in message properties.

``encode(event)`` gives schemaless Avro bytes plus the properties a message must carry::

    avro-record       full record name, e.g. alpes.marca.v1.PresupuestoReservado
    avro-fingerprint  writer schema fingerprint (see ``contracts.registry``)
    content-type      application/avro

``decode(data, properties)`` picks the reader class by record name and the writer schema by
fingerprint: the current schema, or a committed snapshot of an older one, which fastavro then
resolves against the current class. Schemas are parsed once per codec, and dataclass <-> dict
conversion is compiled per class, so a call costs only the Avro work itself.
"""

import dataclasses
import functools
import io
import typing
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from dataclasses_avroschema import AvroModel
from fastavro import parse_schema, schemaless_reader, schemaless_writer

from contracts.base import IntegrationEvent
from contracts.registry import (
    EVENTS,
    SCHEMAS_DIR,
    Schema,
    fingerprint,
    load_snapshots,
    record_name,
    schema_of,
)

RECORD_PROPERTY = "avro-record"
FINGERPRINT_PROPERTY = "avro-fingerprint"
CONTENT_TYPE_PROPERTY = "content-type"
CONTENT_TYPE = "application/avro"


class CodecError(Exception):
    """A message could not be encoded or decoded; retrying will not help."""


class UnknownEventType(CodecError):
    """The record name (or the Python class) is not an integration event of these contracts."""


class UnknownSchemaVersion(CodecError):
    """The writer's fingerprint is neither the current schema nor a committed snapshot."""


class UndecodableMessage(CodecError):
    """The bytes or properties are not a valid message of the schema they claim."""


_ToDict = Callable[[Any], dict[str, Any]]
_FromDict = Callable[[dict[str, Any]], Any]


def _nested_model(annotation: Any) -> type[AvroModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, AvroModel):
        return annotation
    return None


def _converters(model: type[AvroModel]) -> tuple[_ToDict, _FromDict]:
    """dataclass -> dict for fastavro's writer, and dict from fastavro's reader -> dataclass."""
    hints = typing.get_type_hints(model)
    plain: list[str] = []
    records: list[tuple[str, _ToDict, _FromDict]] = []
    record_lists: list[tuple[str, _ToDict, _FromDict]] = []
    fields = dataclasses.fields(model)  # type: ignore[arg-type]
    for field in fields:
        annotation = hints[field.name]
        origin, args = typing.get_origin(annotation), typing.get_args(annotation)
        nested = _nested_model(annotation)
        if nested is not None:
            records.append((field.name, *_converters(nested)))
        elif origin is list and _nested_model(args[0]) is not None:
            record_lists.append((field.name, *_converters(args[0])))
        elif any(_nested_model(arg) is not None for arg in args):
            raise TypeError(f"{model.__name__}.{field.name}: unsupported nesting {annotation}")
        else:
            plain.append(field.name)

    field_names = frozenset(field.name for field in fields)

    def to_dict(obj: Any) -> dict[str, Any]:
        data = {name: getattr(obj, name) for name in plain}
        for name, convert, _ in records:
            data[name] = convert(getattr(obj, name))
        for name, convert, _ in record_lists:
            data[name] = [convert(item) for item in getattr(obj, name)]
        return data

    def from_dict(data: dict[str, Any]) -> Any:
        for name, _, convert in records:
            data[name] = convert(data[name])
        for name, _, convert in record_lists:
            data[name] = [convert(item) for item in data[name]]
        # The reader schema is the class's own, so ``data`` has exactly its fields: fill the
        # instance directly. A frozen dataclass's __init__ costs ~0.3 us per field.
        if data.keys() != field_names:
            raise TypeError(f"{model.__name__} fields {sorted(field_names)}, got {sorted(data)}")
        obj = object.__new__(model)
        obj.__dict__.update(data)
        return obj

    return to_dict, from_dict


def _parse(schema: Schema) -> Schema:
    parsed = parse_schema(schema)
    assert isinstance(parsed, dict)
    return parsed


@dataclasses.dataclass(frozen=True)
class _Entry:
    event_type: type[IntegrationEvent]
    record: str
    fingerprint: str
    parsed: Schema
    properties: Mapping[str, str]
    to_dict: _ToDict
    from_dict: _FromDict
    writers: Mapping[str, Schema]  # fingerprint -> parsed older writer schema


class EventCodec:
    """Encodes and decodes the given event classes; older writers come from ``schemas_dir``."""

    def __init__(
        self,
        events: tuple[type[IntegrationEvent], ...] = EVENTS,
        schemas_dir: Path = SCHEMAS_DIR,
    ) -> None:
        snapshots = load_snapshots(schemas_dir)
        self._by_type: dict[type[IntegrationEvent], _Entry] = {}
        self._by_record: dict[str, _Entry] = {}
        for event_type in events:
            schema = schema_of(event_type)
            record, current = record_name(schema), fingerprint(schema)
            to_dict, from_dict = _converters(event_type)
            entry = _Entry(
                event_type=event_type,
                record=record,
                fingerprint=current,
                parsed=_parse(schema),
                properties={
                    RECORD_PROPERTY: record,
                    FINGERPRINT_PROPERTY: current,
                    CONTENT_TYPE_PROPERTY: CONTENT_TYPE,
                },
                to_dict=to_dict,
                from_dict=from_dict,
                writers={
                    old: _parse(old_schema)
                    for old, old_schema in snapshots.get(record, {}).items()
                    if old != current
                },
            )
            self._by_type[event_type] = entry
            self._by_record[record] = entry

    @property
    def event_types(self) -> tuple[type[IntegrationEvent], ...]:
        return tuple(self._by_type)

    def writer_fingerprints(self, record: str) -> frozenset[str]:
        """Every writer fingerprint this codec can decode for a record (current included)."""
        entry = self._by_record[record]
        return frozenset((entry.fingerprint, *entry.writers))

    def encode(self, event: IntegrationEvent) -> tuple[bytes, dict[str, str]]:
        """Schemaless Avro bytes of ``event`` and the message properties that identify them."""
        entry = self._by_type.get(type(event))
        if entry is None:
            raise UnknownEventType(f"{type(event).__qualname__} is not a registered event")
        buffer = io.BytesIO()
        schemaless_writer(buffer, entry.parsed, entry.to_dict(event))
        return buffer.getvalue(), dict(entry.properties)

    def decode(self, data: bytes, properties: Mapping[str, str]) -> IntegrationEvent:
        """The event in ``data``, written with the schema that ``properties`` name."""
        record = properties.get(RECORD_PROPERTY)
        writer_fingerprint = properties.get(FINGERPRINT_PROPERTY)
        if record is None or writer_fingerprint is None:
            raise UndecodableMessage(
                f"missing message property {RECORD_PROPERTY!r} or {FINGERPRINT_PROPERTY!r}"
            )
        content_type = properties.get(CONTENT_TYPE_PROPERTY, CONTENT_TYPE)
        if content_type != CONTENT_TYPE:
            raise UndecodableMessage(f"content-type {content_type!r} is not {CONTENT_TYPE}")
        entry = self._by_record.get(record)
        if entry is None:
            raise UnknownEventType(f"unknown event record {record!r}")
        if writer_fingerprint == entry.fingerprint:
            writer, reader = entry.parsed, None
        else:
            old_writer = entry.writers.get(writer_fingerprint)
            if old_writer is None:
                raise UnknownSchemaVersion(
                    f"{record}: no schema with fingerprint {writer_fingerprint!r}"
                )
            writer, reader = old_writer, entry.parsed
        buffer = io.BytesIO(data)
        try:
            raw = schemaless_reader(buffer, writer, reader)
        except Exception as exc:  # fastavro raises many kinds on bad input
            raise UndecodableMessage(f"{record}: not valid Avro ({exc!r})") from exc
        if buffer.tell() != len(data):
            raise UndecodableMessage(f"{record}: {len(data) - buffer.tell()} trailing bytes")
        try:
            event: IntegrationEvent = entry.from_dict(raw)  # type: ignore[arg-type]
        except Exception as exc:
            raise UndecodableMessage(f"{record}: does not fit {entry.event_type}") from exc
        return event


@functools.cache
def default_codec() -> EventCodec:
    """The codec of every event in ``EVENTS`` with the committed snapshots (built on first use)."""
    return EventCodec()


def encode(event: IntegrationEvent) -> tuple[bytes, dict[str, str]]:
    """``default_codec().encode(event)``."""
    return default_codec().encode(event)


def decode(data: bytes, properties: Mapping[str, str]) -> IntegrationEvent:
    """``default_codec().decode(data, properties)``."""
    return default_codec().decode(data, properties)
