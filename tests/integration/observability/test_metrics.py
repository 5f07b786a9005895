"""``GET /metrics`` on every service, scraped as Prometheus would after a saga and a failure
(docs/observability.md)."""

from __future__ import annotations

from typing import Any

from prometheus_client.parser import text_string_to_metric_families

import contracts as c
from alpes.settings import SERVICES
from contracts import Context
from tests.helpers import eventually
from tests.integration.conftest import RunningService, StartService
from tests.integration.observability.conftest import (
    Platform,
    create_campaign,
    inactive_brand,
    saga_reaches,
    start_platform,
)

Samples = list[tuple[str, dict[str, str], float]]


async def scrape(svc: RunningService, **headers: str) -> Samples:
    r = await svc.http.get("/metrics", headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain")
    return [
        (s.name, s.labels, s.value)
        for family in text_string_to_metric_families(r.text)
        for s in family.samples
    ]


def value(samples: Samples, name: str, **labels: str) -> float:
    """The sum of ``name``'s samples whose labels include ``labels`` (0 when none)."""
    return sum(v for n, ls, v in samples if n == name and labels.items() <= ls.items())


def subscriber(service: Context, of: Context) -> str:
    """The subscriber label: the service's subscription and the topic it reads."""
    return f"{c.subscription(service)}:{c.topic(of, 'a/b').rsplit('/', 1)[-1]}"


async def outbox_drained(platform: Platform) -> dict[str, Samples]:
    """Every service scraped once its outbox is empty again."""

    async def drained() -> dict[str, Samples] | None:
        scrapes = {name: await scrape(svc) for name, svc in platform.items()}
        pending = [value(s, "alpes_outbox_pending") for s in scrapes.values()]
        return scrapes if pending == [0.0] * len(SERVICES) else None

    return await eventually(drained, timeout=20, message="every outbox drained")


async def test_metrics_count_a_saga_and_a_refused_one(start_service: StartService) -> None:
    platform = await start_platform(start_service)

    confirmed = await create_campaign(platform)
    await saga_reaches(platform, confirmed["id"], "completada")
    refused = await create_campaign(platform, id_marca=await inactive_brand(platform))
    await saga_reaches(platform, refused["id"], "compensada")
    r = await platform["tracking"].http.post(
        "/tracking/evento",
        json={"id_campana": confirmed["id"], "tipo_evento": "clic", "datos": {}},
    )
    assert r.status_code == 201, r.text
    scrapes = await outbox_drained(platform)

    afiliaciones = scrapes["afiliaciones"]
    # HTTP, by route template and status
    assert value(afiliaciones, "alpes_http_requests_total", method="POST",
                 route="/afiliaciones/campana", status="201") == 2  # fmt: skip
    assert value(afiliaciones, "alpes_http_requests_total", method="GET",
                 route="/afiliaciones/campana/{id_campana}/saga", status="200") >= 2  # fmt: skip
    assert value(afiliaciones, "alpes_http_request_duration_seconds_count", method="POST",
                 route="/afiliaciones/campana") == 2  # fmt: skip
    # sagas by state, and the one confirmation's latency
    assert value(afiliaciones, "alpes_sagas", estado_saga="completada") == 1
    assert value(afiliaciones, "alpes_sagas", estado_saga="compensada") == 1
    assert value(afiliaciones, "alpes_sagas", estado_saga="en_progreso") == 0
    assert value(afiliaciones, "alpes_saga_confirmation_seconds_count") == 1
    assert 0 < value(afiliaciones, "alpes_saga_confirmation_seconds_sum") < 30
    # messages handled per subscriber: ours by event type, FastStream's by topic and status
    for participant in ("marca", "influencer", "tracking"):
        samples = scrapes[participant]
        mine = subscriber(participant, "afiliaciones")
        assert value(samples, "alpes_messages_handled_total", subscriber=mine,
                     event="CampanaCreada") == 2, participant  # fmt: skip
        assert value(samples, "faststream_received_processed_messages_total",
                     handler=c.topic("afiliaciones", platform[participant].settings.topic_namespace),
                     status="acked") >= 3, participant  # fmt: skip
        assert value(samples, "alpes_messages_dead_lettered_total") == 0
    marca = subscriber("afiliaciones", "marca")
    assert value(afiliaciones, "alpes_messages_handled_total", subscriber=marca,
                 event="PresupuestoReservado") == 1  # fmt: skip
    assert value(afiliaciones, "alpes_messages_handled_total", subscriber=marca,
                 event="ReservaPresupuestoRechazada") == 1  # fmt: skip
    # tracking's events by type; the outbox lag back at 0
    assert value(scrapes["tracking"], "alpes_tracking_events_total", tipo_evento="clic") == 1
    for samples in scrapes.values():
        assert value(samples, "alpes_outbox_oldest_age_seconds") == 0


async def test_a_permanent_failure_is_counted_as_dead_lettered(
    start_service: StartService,
) -> None:
    platform = {
        name: await start_service(
            name, **({"inject_faults": "CampanaCreada:permanent"} if name == "tracking" else {})
        )
        for name in SERVICES
    }

    campaign = await create_campaign(platform)
    await saga_reaches(platform, campaign["id"], "compensada")
    scrapes = await outbox_drained(platform)

    tracking = scrapes["tracking"]
    mine = subscriber("tracking", "afiliaciones")
    assert value(tracking, "alpes_messages_dead_lettered_total", subscriber=mine,
                 event="CampanaCreada", failure="permanent") == 1  # fmt: skip
    assert value(tracking, "alpes_messages_handled_total", subscriber=mine,
                 event="CampanaCreada") == 0  # fmt: skip
    assert value(tracking, "alpes_messages_handled_total", subscriber=mine,
                 event="CampanaCancelada") == 1  # fmt: skip
    assert value(scrapes["afiliaciones"], "alpes_sagas", estado_saga="compensada") == 1


async def test_metrics_token_closes_the_scrape(start_service: StartService) -> None:
    svc = await start_service("marca", metrics_token="s3cret-scrape")

    anonymous = await svc.http.get("/metrics", headers={"Authorization": ""})
    wrong = await svc.http.get("/metrics", headers={"Authorization": "Bearer nope"})
    samples = await scrape(svc, Authorization="Bearer s3cret-scrape")

    assert (anonymous.status_code, wrong.status_code) == (401, 401)
    assert value(samples, "alpes_http_requests_total", route="/metrics", status="401") == 2


async def test_a_route_that_does_not_exist_is_one_label(start_service: StartService) -> None:
    svc = await start_service("influencer")

    for path in ("/nope/1", "/nope/2"):
        assert (await svc.http.get(path)).status_code == 404
    samples: Any = await scrape(svc)

    assert value(samples, "alpes_http_requests_total", route="<unmatched>", status="404") == 2
    assert not [ls for n, ls, _ in samples if "/nope" in ls.get("route", "")]
