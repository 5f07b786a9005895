"""The committed AsyncAPI documents are valid AsyncAPI 3.0 documents.

They are checked against the official AsyncAPI 3.0.0 JSON schema (a copy in
``asyncapi_schema/``, see its README: no network at test time), and for what that schema
cannot say: every local ``$ref`` resolves, and an operation only names messages of its own
channel.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from alpes.settings import SERVICES

ROOT = Path(__file__).resolve().parents[3]
COMMITTED = ROOT / "docs" / "asyncapi"
SCHEMA = Path(__file__).parent / "asyncapi_schema" / "asyncapi-3.0.0.json"


@pytest.fixture(scope="module")
def validator() -> Draft7Validator:
    schema = json.loads(SCHEMA.read_text())
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


def document(service: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((COMMITTED / f"{service}.json").read_text())
    return loaded


def schema_errors(validator: Draft7Validator, doc: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message[:300]}"
        for error in validator.iter_errors(doc)
    ]


def references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield ref
        for value in node.values():
            yield from references(value)
    elif isinstance(node, list):
        for value in node:
            yield from references(value)


def resolve(doc: dict[str, Any], ref: str) -> Any:
    """The node a local JSON pointer reference (``#/a/b``) names; KeyError when none."""
    assert ref.startswith("#/"), f"not a local reference: {ref}"
    node: Any = doc
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


@pytest.mark.parametrize("service", list(SERVICES))
def test_committed_document_validates_against_the_asyncapi_3_schema(
    validator: Draft7Validator, service: str
) -> None:
    doc = document(service)

    assert doc["asyncapi"] == "3.0.0"
    assert schema_errors(validator, doc) == []


@pytest.mark.parametrize("service", list(SERVICES))
def test_every_reference_resolves_and_operations_use_their_channels_messages(
    service: str,
) -> None:
    doc = document(service)

    dangling = []
    for ref in references(doc):
        try:
            resolve(doc, ref)
        except (KeyError, IndexError, TypeError):
            dangling.append(ref)
    assert dangling == []
    for name, operation in doc["operations"].items():
        channel = operation["channel"]["$ref"]
        for message in operation.get("messages", []):
            assert message["$ref"].startswith(f"{channel}/messages/"), (name, message)


def test_the_schema_rejects_what_asyncapi_3_forbids(validator: Draft7Validator) -> None:
    """The check above can fail: broken copies of a real document do not validate."""
    doc = document(next(iter(SERVICES)))
    sin_version = copy.deepcopy(doc)
    del sin_version["info"]["version"]
    accion = copy.deepcopy(doc)
    next(iter(accion["operations"].values()))["action"] = "subscribe"  # AsyncAPI 2's verb
    binding = copy.deepcopy(doc)
    next(iter(binding["channels"].values()))["bindings"]["pulsar"]["persistence"] = "a veces"

    for broken in (sin_version, accion, binding):
        assert schema_errors(validator, broken)
