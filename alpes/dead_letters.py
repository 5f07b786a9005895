"""Dead letters: list them, and replay them where they came from (``alpes dead-letters``).

Every subscription dead-letters to ``<topic>-<subscription>-DLQ``, and its subscriber keeps
a durable subscription there (``dead-letters``, ``faststream_pulsar.DeadLetterPolicy``), so
a dead letter stays until it is acknowledged on it. Which topics exist is read from each
service's wiring (its app is built, nothing is connected).

- ``list_dead_letters`` reads every message still on those subscriptions, acknowledging
  none: the dead letters not yet replayed.
- ``replay`` republishes each chosen one to its origin topic with its original payload, key
  and properties (the dead-letter ones taken off), then acknowledges it, so it is no longer
  listed. Every subscription of the origin topic gets it again; each service's inbox drops
  an event it already handled (its key, ``id_evento``, is in the payload), so only the one
  that failed does the work. A dead letter older than ``DEAD_LETTER_REPLAY_DAYS`` is not
  replayed: the inbox rows that make a replay safe are kept only for
  ``INBOX_RETENTION_DAYS``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pulsar

from contracts import IntegrationEvent
from contracts import decode as decode_event
from faststream_pulsar import PulsarSubscriber
from faststream_pulsar.message import (
    DEAD_LETTER_ATTEMPTS,
    DEAD_LETTER_FIRST_FAILURE,
    DEAD_LETTER_MESSAGE_ID,
    DEAD_LETTER_REASON,
    MESSAGE_ID,
    ORIGIN_SUBSCRIPTION,
    ORIGIN_TOPIC,
    original_properties,
)
from faststream_pulsar.security import parse_security

from .messaging import broker_security
from .settings import SERVICES, Settings

RECORD_PROPERTY = "avro-record"
BUSY_RETRY_SECONDS = 15.0
"""How long to wait for another exclusive reader of the dead-letter subscription."""


@dataclass(frozen=True)
class DeadLetterTopic:
    """One subscription's dead-letter topic and the subscription that retains it."""

    service: str
    topic: str
    subscription: str
    dead_letter_topic: str
    retain_subscription: str


@dataclass(frozen=True)
class DeadLetter:
    """A dead-lettered message, as an operator reads it."""

    service: str
    topic: str  # where it came from, and where a replay sends it
    subscription: str  # the subscription that failed to handle it
    dead_letter_topic: str
    id: str  # the event's id_evento (the inbox key); else the message id it was sent with
    event_type: str
    reason: str
    first_failure: datetime | None
    attempts: int | None
    dead_lettered_at: datetime
    occurred_at: datetime | None  # the event's ocurrido_en, when it decodes
    payload: bytes = field(repr=False)
    properties: dict[str, str] = field(repr=False)
    key: str = ""
    _raw: Any = field(default=None, repr=False, compare=False)

    def as_json(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "topic": self.topic,
            "subscription": self.subscription,
            "dead_letter_topic": self.dead_letter_topic,
            "id": self.id,
            "event_type": self.event_type,
            "reason": self.reason,
            "first_failure": _iso(self.first_failure),
            "attempts": self.attempts,
            "dead_lettered_at": _iso(self.dead_lettered_at),
            "occurred_at": _iso(self.occurred_at),
            "properties": original_properties(self.properties),
        }


@dataclass
class ReplayResult:
    replayed: list[DeadLetter] = field(default_factory=list)
    too_old: list[DeadLetter] = field(default_factory=list)
    failed: list[tuple[DeadLetter, str]] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.too_old or self.failed or self.not_found)


# --- which dead-letter topics exist ----------------------------------------------------------


def dead_letter_topics(settings: Settings, service: str | None = None) -> list[DeadLetterTopic]:
    """Every retained dead-letter topic of ``service`` (all services when None), from the
    services' own wiring: each app is built, nothing is connected."""
    from .cli import create_app

    if service is not None and service not in SERVICES:
        raise ValueError(f"unknown service {service!r}; expected one of {sorted(SERVICES)}")
    found: list[DeadLetterTopic] = []
    for name in [service] if service else list(SERVICES):
        # only its subscriptions are read: no route is served
        app = create_app(name, settings.model_copy(update={"service": name, "auth_disabled": True}))
        for sub in app.state.service.broker.subscribers:
            if not isinstance(sub, PulsarSubscriber) or sub.dead_letter_policy is None:
                continue
            retain = sub.dead_letter_policy.retain_subscription
            if retain:
                found.append(
                    DeadLetterTopic(
                        name, sub.topic, sub.subscription, sub.dead_letter_topic, retain
                    )
                )
    return found


# --- reading and replaying -------------------------------------------------------------------


def list_dead_letters(
    settings: Settings, service: str | None = None, *, idle_seconds: float = 1.0
) -> list[DeadLetter]:
    """The dead letters not yet replayed, oldest first per topic."""
    letters: list[DeadLetter] = []
    with _client(settings) as client:
        for consumer, targets in _open_all(client, dead_letter_topics(settings, service)):
            letters += [_parse(m, targets) for m in _drain(consumer, idle_seconds)]
    return letters


def replay(
    settings: Settings,
    ids: Collection[str] | None = None,
    service: str | None = None,
    *,
    idle_seconds: float = 1.0,
    now: datetime | None = None,
) -> ReplayResult:
    """Republish the dead letters with these ids (every one when ``ids`` is None) to their
    origin topics, then acknowledge them on the retained subscription. A letter that fails
    again and comes back while this runs is left for the next replay."""
    result = ReplayResult()
    oldest = (now or datetime.now(UTC)) - timedelta(days=settings.dead_letter_replay_days)
    seen: set[str] = set()
    republished: set[str] = set()  # the Pulsar ids of the copies this replay sent
    with _client(settings) as client:
        producers: dict[str, pulsar.Producer] = {}
        for consumer, targets in _open_all(client, dead_letter_topics(settings, service)):
            for raw in _drain(consumer, idle_seconds):
                letter = _parse(raw, targets)
                if raw.properties().get(DEAD_LETTER_MESSAGE_ID) in republished:
                    # a copy this very replay sent, dead-lettered again (the cause is not
                    # fixed yet): it and whatever follows it stay for the next replay, else
                    # this one would go round forever; unacknowledged, it comes back later
                    break
                if ids is not None and letter.id not in ids:
                    continue
                seen.add(letter.id)
                if _age_reference(letter) < oldest:
                    result.too_old.append(letter)
                    continue
                try:
                    republished.add(_republish(client, producers, letter))
                except pulsar.PulsarException as exc:
                    result.failed.append((letter, f"{type(exc).__name__}: {exc}"))
                    continue
                consumer.acknowledge(raw)
                result.replayed.append(letter)
        for producer in producers.values():
            producer.close()
    result.not_found = sorted(set(ids or ()) - seen)
    return result


def _republish(
    client: pulsar.Client, producers: dict[str, pulsar.Producer], letter: DeadLetter
) -> str:
    """Send ``letter`` to its origin topic as it was first sent; the copy's Pulsar id."""
    producer = producers.get(letter.topic)
    if producer is None:
        producer = producers[letter.topic] = client.create_producer(letter.topic)
    return str(
        producer.send(  # returns once the broker has stored it
            letter.payload,
            properties=original_properties(letter.properties),
            partition_key=letter.key or None,
        )
    )


@contextmanager
def _client(settings: Settings) -> Iterator[pulsar.Client]:
    client = pulsar.Client(
        settings.pulsar_url,
        **parse_security(broker_security(settings)),
        operation_timeout_seconds=int(settings.pulsar_operation_timeout_seconds),
        logger=_quiet_logger(),
    )
    try:
        yield client
    finally:
        client.close()


def _quiet_logger() -> Any:
    # The client's own logger, filtering natively: through a Python logger it still prints
    # some DEBUG lines (with binary payloads) on stdout, which is the command's output.
    return pulsar.FileLogger(pulsar.LoggerLevel.Warn, "/dev/stderr")


def _open_all(
    client: pulsar.Client, targets: list[DeadLetterTopic]
) -> Iterator[tuple[pulsar.Consumer, dict[str, DeadLetterTopic]]]:
    """One exclusive consumer per retaining subscription name, on all its topics at once."""
    by_subscription: dict[str, dict[str, DeadLetterTopic]] = {}
    for target in targets:
        by_subscription.setdefault(target.retain_subscription, {})[target.dead_letter_topic] = (
            target
        )
    for subscription, by_topic in by_subscription.items():
        consumer = _subscribe(client, sorted(by_topic), subscription)
        try:
            yield consumer, by_topic
        finally:
            consumer.close()  # what was not acknowledged stays for the next reader


def _subscribe(client: pulsar.Client, topics: list[str], subscription: str) -> pulsar.Consumer:
    # Exclusive, so two operators never split the dead letters between them; a service
    # that starts meanwhile only checks that the subscription exists.
    deadline = time.monotonic() + BUSY_RETRY_SECONDS
    while True:
        try:
            return client.subscribe(
                topics,
                subscription,
                consumer_type=pulsar.ConsumerType.Exclusive,
                initial_position=pulsar.InitialPosition.Earliest,
            )
        except pulsar.PulsarException as exc:
            busy = "ConsumerBusy" in f"{type(exc).__name__} {exc}"
            if not busy or time.monotonic() > deadline:
                raise
            time.sleep(0.2)  # another reader holds it: retry until the deadline


def _drain(consumer: pulsar.Consumer, idle_seconds: float) -> Iterator[pulsar.Message]:
    """Every message the consumer has, until none comes for ``idle_seconds``."""
    while True:
        try:
            yield consumer.receive(int(idle_seconds * 1000))
        except pulsar.Timeout:
            return


_PARTITION = re.compile(r"-partition-\d+$")


def _parse(raw: pulsar.Message, targets: dict[str, DeadLetterTopic]) -> DeadLetter:
    props = dict(raw.properties())
    dlq = _PARTITION.sub("", raw.topic_name())
    target = targets.get(dlq) or next(iter(targets.values()))
    event = _decode(raw.data(), props)
    origin = _PARTITION.sub("", props.get(ORIGIN_TOPIC) or target.topic)
    return DeadLetter(
        service=target.service,
        topic=origin,
        subscription=props.get(ORIGIN_SUBSCRIPTION) or target.subscription,
        dead_letter_topic=dlq,
        id=(
            event.id_evento
            if event is not None
            else props.get(MESSAGE_ID) or props.get(DEAD_LETTER_MESSAGE_ID, "")
        ),
        event_type=(
            type(event).__name__
            if event is not None
            else props.get(RECORD_PROPERTY, "?").rsplit(".", 1)[-1]
        ),
        reason=props.get(DEAD_LETTER_REASON, ""),
        first_failure=_parse_time(props.get(DEAD_LETTER_FIRST_FAILURE)),
        attempts=int(props[DEAD_LETTER_ATTEMPTS])
        if props.get(DEAD_LETTER_ATTEMPTS, "").isdigit()
        else None,
        dead_lettered_at=datetime.fromtimestamp(raw.publish_timestamp() / 1000, UTC),
        occurred_at=event.ocurrido_en if event is not None else None,
        payload=raw.data(),
        properties=props,
        key=raw.partition_key(),
        _raw=raw,
    )


def _decode(data: bytes, props: dict[str, str]) -> IntegrationEvent | None:
    try:
        return decode_event(data, props)
    except Exception:  # undecodable: that may be why it is here
        return None


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _age_reference(letter: DeadLetter) -> datetime:
    """The earliest known time of the message: what the inbox rows of the others date from."""
    known = [t for t in (letter.occurred_at, letter.first_failure) if t is not None]
    return min([*known, letter.dead_lettered_at])


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat(timespec="seconds") if value else None


# --- the command -------------------------------------------------------------------------------


def cli_settings() -> Settings:
    """Settings from the environment; without ``PULSAR_URL``, the broker ``alpes dev`` runs
    (its port is in ``.alpes/pulsar.port``, or under ``ALPES_DATA_DIR``)."""
    settings = Settings()
    if "pulsar_url" not in settings.model_fields_set:
        port_file = Path(os.environ.get("ALPES_DATA_DIR", ".alpes")) / "pulsar.port"
        if port_file.exists():
            port = int(port_file.read_text().strip())
            settings = settings.model_copy(update={"pulsar_url": f"pulsar://127.0.0.1:{port}"})
    return settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``alpes dead-letters list|replay``."""
    commands = parser.add_subparsers(dest="dead_letters_command", required=True)
    show = commands.add_parser("list", help="the dead letters not yet replayed")
    show.add_argument("--service", choices=sorted(SERVICES))
    show.add_argument("--json", action="store_true", help="one JSON object per dead letter")
    again = commands.add_parser("replay", help="republish dead letters to their origin topic")
    again.add_argument("ids", nargs="*", metavar="ID", help="an event id, as list shows it")
    again.add_argument("--all", action="store_true", help="every dead letter")
    again.add_argument("--service", choices=sorted(SERVICES))


def run(args: argparse.Namespace) -> int:
    settings = cli_settings()
    try:
        if args.dead_letters_command == "list":
            letters = list_dead_letters(settings, args.service)
            if args.json:
                for letter in letters:
                    print(json.dumps(letter.as_json(), ensure_ascii=False))
            else:
                print(table(letters))
            return 0
        if bool(args.all) == bool(args.ids):
            print("alpes dead-letters replay: give either IDs or --all", file=sys.stderr)
            return 2
        result = replay(settings, None if args.all else set(args.ids), args.service)
    except pulsar.PulsarException as exc:
        print(f"broker {settings.pulsar_url}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    report(result, settings)
    return 0 if result.ok else 1


def report(result: ReplayResult, settings: Settings) -> None:
    for letter in result.replayed:
        print(
            f"replayed {letter.event_type} {letter.id} ({letter.service}) to {_short(letter.topic)}"
        )
    for letter in result.too_old:
        print(
            f"not replayed {letter.event_type} {letter.id} ({letter.service}): older than "
            f"DEAD_LETTER_REPLAY_DAYS ({settings.dead_letter_replay_days:g}); the inbox may "
            "no longer know what was handled",
            file=sys.stderr,
        )
    for letter, error in result.failed:
        print(
            f"failed {letter.event_type} {letter.id} ({letter.service}): {error}", file=sys.stderr
        )
    for missing in result.not_found:
        print(f"no dead letter {missing}", file=sys.stderr)
    print(f"{len(result.replayed)} replayed")


COLUMNS = ("SERVICE", "TOPIC", "EVENT", "ID", "REASON", "FIRST FAILURE", "ATTEMPTS")
REASON_WIDTH = 60


def table(letters: list[DeadLetter]) -> str:
    """The dead letters as a plain-text table (full reasons with ``--json``)."""
    if not letters:
        return "no dead letters"
    rows = [COLUMNS] + [
        (
            letter.service,
            _short(letter.topic),
            letter.event_type,
            letter.id,
            _clip(" ".join(letter.reason.split()), REASON_WIDTH),
            _iso(letter.first_failure) or "?",
            str(letter.attempts) if letter.attempts is not None else "?",
        )
        for letter in letters
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def _short(topic: str) -> str:
    return topic.rsplit("/", 1)[-1]


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
