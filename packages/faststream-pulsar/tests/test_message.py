"""The names of the properties a dead-lettered copy carries, and taking them off again."""

from __future__ import annotations

from faststream_pulsar import message
from faststream_pulsar.message import (
    DEAD_LETTER_PROPERTIES,
    MESSAGE_ID,
    DeadLetterProperty,
    original_properties,
)


def test_dead_letter_properties_lists_every_name_of_dead_letter_property() -> None:
    names = {v for k, v in vars(DeadLetterProperty).items() if k.isupper()}

    assert set(DEAD_LETTER_PROPERTIES) == names
    assert len(DEAD_LETTER_PROPERTIES) == len(names)


def test_the_names_exported_one_by_one_before_stay_the_same() -> None:
    assert message.DEAD_LETTER_REASON == DeadLetterProperty.REASON == "dead_letter_reason"
    assert message.DEAD_LETTER_MESSAGE_ID == DeadLetterProperty.MESSAGE_ID
    assert message.DEAD_LETTER_FIRST_FAILURE == DeadLetterProperty.FIRST_FAILURE
    assert message.DEAD_LETTER_ATTEMPTS == DeadLetterProperty.ATTEMPTS
    assert message.ORIGIN_TOPIC == DeadLetterProperty.ORIGIN_TOPIC == "origin_topic"
    assert message.ORIGIN_SUBSCRIPTION == DeadLetterProperty.ORIGIN_SUBSCRIPTION


def test_original_properties_takes_off_what_dead_lettering_added() -> None:
    original = {"id_evento": "e-1", "content-type": "application/json"}
    dead = {
        **original,
        MESSAGE_ID: "(1,2,-1,-1)",
        DeadLetterProperty.REASON: "no me gusta",
        DeadLetterProperty.MESSAGE_ID: "(1,2,-1,-1)",
        DeadLetterProperty.FIRST_FAILURE: "2030-01-02T03:04:05.678+00:00",
        DeadLetterProperty.ATTEMPTS: "3",
        DeadLetterProperty.ORIGIN_TOPIC: "orders",
        DeadLetterProperty.ORIGIN_SUBSCRIPTION: "billing",
    }

    assert original_properties(dead) == original
    # a message id the original was sent with is its own, and stays
    assert original_properties({**dead, MESSAGE_ID: "m-1"}) == {**original, MESSAGE_ID: "m-1"}
