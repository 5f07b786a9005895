"""Schema compatibility by doing it: write samples with one schema, read them with another.

fastavro resolves a writer schema against a reader schema lazily, while it reads a datum: only
the parts the datum goes through are checked. So the samples go through every part: each array
has an item, each map an entry, and sample ``k`` takes branch ``k`` of every union and symbol
``k`` of every enum (modulo their sizes), with as many samples as the widest union or enum.
"""

import datetime
import decimal
import io
import uuid
from typing import Any

from fastavro import parse_schema, schemaless_reader, schemaless_writer

from contracts.registry import Schema

_PRIMITIVE_SAMPLES: dict[str, Any] = {
    "null": None,
    "boolean": True,
    "int": 1,
    "long": 1,
    "float": 1.5,
    "double": 1.5,
    "bytes": b"x",
    "string": "x",
}
_LOGICAL_SAMPLES: dict[str, Any] = {
    "timestamp-millis": datetime.datetime(2025, 1, 2, 3, 4, 5, 6000, tzinfo=datetime.UTC),
    "timestamp-micros": datetime.datetime(2025, 1, 2, 3, 4, 5, 6, tzinfo=datetime.UTC),
    "local-timestamp-millis": datetime.datetime(2025, 1, 2, 3, 4, 5, 6000),
    "local-timestamp-micros": datetime.datetime(2025, 1, 2, 3, 4, 5, 6),
    "date": datetime.date(2025, 1, 2),
    "time-millis": datetime.time(3, 4, 5, 6000),
    "time-micros": datetime.time(3, 4, 5, 6),
    "uuid": uuid.UUID(int=1),
    "decimal": decimal.Decimal("1"),
}


def _width(schema: Any, named: dict[str, Any], seen: set[str]) -> int:
    if isinstance(schema, list):
        return max([len(schema), *(_width(branch, named, seen) for branch in schema)])
    if isinstance(schema, str):
        if schema in named and schema not in seen:
            seen.add(schema)
            return _width(named[schema], named, seen)
        return 1
    kind = schema["type"]
    if kind in ("record", "error"):
        seen.add(schema["name"])
        return max([1, *(_width(field["type"], named, seen) for field in schema["fields"])])
    if kind == "enum":
        return len(schema["symbols"])
    if kind == "array":
        return _width(schema["items"], named, seen)
    if kind == "map":
        return _width(schema["values"], named, seen)
    return 1


def _sample(schema: Any, named: dict[str, Any], variant: int, path: tuple[str, ...]) -> Any:
    if isinstance(schema, list):
        return _sample(schema[variant % len(schema)], named, variant, path)
    if isinstance(schema, str):
        if schema in _PRIMITIVE_SAMPLES:
            return _PRIMITIVE_SAMPLES[schema]
        if schema in path:
            raise ValueError(f"recursive schema {schema} is not supported")
        return _sample(named[schema], named, variant, path)
    kind = schema["type"]
    logical = schema.get("logicalType")
    if logical in _LOGICAL_SAMPLES:
        return _LOGICAL_SAMPLES[logical]
    if kind in ("record", "error"):
        inner = (*path, schema["name"])
        return {f["name"]: _sample(f["type"], named, variant, inner) for f in schema["fields"]}
    if kind == "enum":
        symbols = schema["symbols"]
        return symbols[variant % len(symbols)]
    if kind == "array":
        return [_sample(schema["items"], named, variant, path)]
    if kind == "map":
        return {"k": _sample(schema["values"], named, variant, path)}
    if kind == "fixed":
        return b"\x00" * int(schema["size"])
    return _PRIMITIVE_SAMPLES[kind]


def samples(schema: Schema) -> list[Any]:
    """Data that goes through every branch, symbol, array item and map value of ``schema``."""
    named: dict[str, Any] = {}
    parsed = parse_schema(schema, named_schemas=named)
    return [_sample(parsed, named, variant, ()) for variant in range(_width(parsed, named, set()))]


def read_problems(writer: Schema, reader: Schema) -> list[str]:
    """Why ``reader`` cannot read data written with ``writer`` (empty when it can)."""
    parsed_writer, parsed_reader = parse_schema(writer), parse_schema(reader)
    problems: list[str] = []
    for datum in samples(writer):
        buffer = io.BytesIO()
        schemaless_writer(buffer, parsed_writer, datum)
        buffer.seek(0)
        try:
            schemaless_reader(buffer, parsed_writer, parsed_reader)
        except Exception as exc:  # fastavro's SchemaResolutionError, or whatever resolution hits
            problem = f"{type(exc).__name__}: {exc}"
            if problem not in problems:
                problems.append(problem)
    return problems


def compatibility_problems(old: Schema, new: Schema) -> list[str]:
    """Backward (new reads old) and forward (old reads new) problems between two versions."""
    return [f"backward (new reads old): {p}" for p in read_problems(old, new)] + [
        f"forward (old reads new): {p}" for p in read_problems(new, old)
    ]
