import dataclasses
import datetime
import io
import json
from pathlib import Path

import pytest
from event_samples import ENVELOPE, INSTANT, campana_creada, every_event
from fastavro import parse_schema, schemaless_writer

from contracts import (
    CONTENT_TYPE,
    EVENTS,
    CampanaCreada,
    CampanaIniciada,
    EventCodec,
    IntegrationEvent,
    UndecodableMessage,
    UnknownEventType,
    UnknownSchemaVersion,
    decode,
    encode,
    fingerprint,
    record_name,
    schema_of,
)
from contracts.registry import snapshot_path

EVENTS_BY_NAME = {type(event).__name__: event for event in every_event()}


def test_the_samples_cover_every_event() -> None:
    assert {type(event) for event in every_event()} == set(EVENTS)


@pytest.mark.parametrize("name", sorted(EVENTS_BY_NAME))
def test_every_event_round_trips(name: str) -> None:
    event = EVENTS_BY_NAME[name]
    data, properties = encode(event)
    schema = schema_of(type(event))
    assert properties == {
        "avro-record": record_name(schema),
        "avro-fingerprint": fingerprint(schema),
        "content-type": CONTENT_TYPE,
    }
    assert decode(data, properties) == event


def test_record_names_carry_the_context_and_version() -> None:
    _, properties = encode(campana_creada())
    assert properties["avro-record"] == "alpes.afiliaciones.v1.CampanaCreada"
    names = {record_name(schema_of(event_type)) for event_type in EVENTS}
    assert len(names) == len(EVENTS)
    assert all(name.startswith("alpes.") and ".v1." in name for name in names)


def test_datetimes_keep_microseconds_and_come_back_in_utc() -> None:
    bogota = datetime.timezone(datetime.timedelta(hours=-5))
    local = INSTANT.astimezone(bogota)
    event = CampanaIniciada(**{**ENVELOPE, "ocurrido_en": local})
    decoded = decode(*encode(event))
    assert decoded.ocurrido_en == INSTANT
    assert decoded.ocurrido_en.microsecond == 889685
    assert decoded.ocurrido_en.tzinfo == datetime.UTC


def test_a_naive_datetime_is_taken_as_utc() -> None:
    naive = INSTANT.replace(tzinfo=None)
    event = CampanaIniciada(**{**ENVELOPE, "ocurrido_en": naive})
    assert decode(*encode(event)).ocurrido_en == INSTANT


def test_the_optional_influencer_id_defaults_to_null() -> None:
    decoded = decode(*encode(campana_creada()))
    assert isinstance(decoded, CampanaCreada)
    assert [i.id_influencer for i in decoded.influencers] == [None, "i-2"]


def test_properties_are_a_fresh_dict_each_time() -> None:
    _, first = encode(campana_creada())
    first["avro-record"] = "changed"
    assert encode(campana_creada())[1]["avro-record"] == "alpes.afiliaciones.v1.CampanaCreada"


def test_encoding_an_unregistered_class_fails() -> None:
    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Intrusa(IntegrationEvent):
        """Not in the registry."""

    with pytest.raises(UnknownEventType):
        encode(Intrusa(**ENVELOPE))


@pytest.mark.parametrize(
    "data",
    [b"", b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", b"\x02\x80", b"garbage bytes here"],
)
def test_garbage_bytes_are_undecodable(data: bytes) -> None:
    _, properties = encode(campana_creada())
    with pytest.raises(UndecodableMessage):
        decode(data, properties)


def test_trailing_bytes_are_undecodable() -> None:
    data, properties = encode(CampanaIniciada(**ENVELOPE))
    with pytest.raises(UndecodableMessage, match="trailing"):
        decode(data + b"\x00", properties)


def test_bytes_of_another_record_are_undecodable() -> None:
    data, _ = encode(CampanaIniciada(**ENVELOPE))
    _, properties = encode(campana_creada())
    with pytest.raises(UndecodableMessage):
        decode(data, properties)


@pytest.mark.parametrize("missing", ["avro-record", "avro-fingerprint"])
def test_missing_schema_identity_is_undecodable(missing: str) -> None:
    data, properties = encode(campana_creada())
    del properties[missing]
    with pytest.raises(UndecodableMessage):
        decode(data, properties)


def test_another_content_type_is_undecodable() -> None:
    data, properties = encode(campana_creada())
    with pytest.raises(UndecodableMessage):
        decode(data, {**properties, "content-type": "application/json"})


def test_an_unknown_record_is_an_unknown_event_type() -> None:
    data, properties = encode(campana_creada())
    with pytest.raises(UnknownEventType):
        decode(data, {**properties, "avro-record": "alpes.afiliaciones.v1.CampanaBorrada"})


def test_an_unknown_fingerprint_is_an_unknown_schema_version() -> None:
    data, properties = encode(campana_creada())
    with pytest.raises(UnknownSchemaVersion):
        decode(data, {**properties, "avro-fingerprint": "0123456789abcdef"})


def _older_campana_creada() -> dict[str, object]:
    """A made-up earlier version: a field since removed, a nested field not yet added, an int
    since widened to long."""
    schema = schema_of(CampanaCreada)
    schema["fields"].insert(5, {"name": "canal", "type": "string"})
    influencer = next(f for f in schema["fields"] if f["name"] == "influencers")["type"]["items"]
    influencer["fields"] = [
        {**f, "type": "int"} if f["name"] == "seguidores" else f
        for f in influencer["fields"]
        if f["name"] != "id_influencer"
    ]
    return schema


def test_an_older_writer_is_resolved_against_the_current_class(tmp_path: Path) -> None:
    old = _older_campana_creada()
    old_fingerprint = fingerprint(old)
    path = snapshot_path(tmp_path, record_name(old), old_fingerprint)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(old))
    codec = EventCodec(schemas_dir=tmp_path)

    current = campana_creada()
    datum = {**dataclasses.asdict(current), "canal": "instagram"}
    for influencer in datum["influencers"]:
        del influencer["id_influencer"]
    buffer = io.BytesIO()
    schemaless_writer(buffer, parse_schema(old), datum)
    properties = {"avro-record": record_name(old), "avro-fingerprint": old_fingerprint}

    decoded = codec.decode(buffer.getvalue(), properties)

    assert isinstance(decoded, CampanaCreada)
    assert decoded == dataclasses.replace(
        current,
        influencers=[dataclasses.replace(i, id_influencer=None) for i in current.influencers],
    )
    assert codec.writer_fingerprints(record_name(old)) == {
        old_fingerprint,
        fingerprint(schema_of(CampanaCreada)),
    }
    with pytest.raises(UnknownSchemaVersion):
        EventCodec().decode(buffer.getvalue(), properties)
