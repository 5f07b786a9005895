import pytest

from contracts import (
    CampanaCreada,
    PresupuestoReservado,
    consumed_topics,
    dead_letter_topic,
    subscription,
    topic,
    topic_for,
)
from contracts.topics import TOPIC_TRACKING


def test_default_topic_names() -> None:
    assert topic("afiliaciones") == "persistent://public/default/alpes.afiliaciones.eventos"
    assert topic("marca") == "persistent://public/default/alpes.marca.eventos"
    assert topic("influencer") == "persistent://public/default/alpes.influencer.eventos"
    assert TOPIC_TRACKING == "persistent://public/default/alpes.tracking.eventos"


def test_the_namespace_is_one_setting() -> None:
    assert topic("marca", "alpes/dev") == "persistent://alpes/dev/alpes.marca.eventos"
    for bad in ["", "public", "public/default/x", "persistent://public/default"]:
        with pytest.raises(ValueError):
            topic("marca", bad)


def test_an_unknown_context_is_refused() -> None:
    with pytest.raises(ValueError):
        topic("pagos")  # type: ignore[arg-type]


def test_events_go_to_the_topic_of_their_context() -> None:
    assert topic_for(CampanaCreada) == topic("afiliaciones")
    assert topic_for(PresupuestoReservado, "t/n") == topic("marca", "t/n")


def test_subscriptions_and_dead_letters() -> None:
    assert [subscription(s) for s in ("marca", "influencer", "tracking", "afiliaciones")] == [
        "marca",
        "influencer",
        "tracking",
        "afiliaciones",
    ]
    assert consumed_topics("afiliaciones") == (
        topic("marca"),
        topic("influencer"),
        topic("tracking"),
    )
    assert topic("marca") not in consumed_topics("marca")
    assert (
        dead_letter_topic(topic("afiliaciones"), "marca")
        == "persistent://public/default/alpes.afiliaciones.eventos-marca-DLQ"
    )
