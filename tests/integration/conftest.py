"""Integration fixtures: a service's real app (``create_app``) on embedded PostgreSQL and pulsar-lite.

Each test gets fresh databases and its own Pulsar namespace, so tests never see each
other's events.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from alpes.cli import create_app
from alpes.infra import EmbeddedPostgres, PulsarLite
from alpes.service import Service
from alpes.settings import Settings
from tests.auth import ADMIN, TEST_KEY
from tests.helpers import eventually, started


@dataclass
class RunningService:
    name: str
    app: Any
    http: httpx.AsyncClient
    settings: Settings

    @property
    def service(self) -> Service:
        return self.app.state.service  # type: ignore[no-any-return]


StartService = Callable[..., Awaitable[RunningService]]


@pytest.fixture
def namespace() -> str:
    return f"public/it{uuid.uuid4().hex[:10]}"


@pytest.fixture
async def start_service(
    postgres: EmbeddedPostgres, pulsar_lite: PulsarLite, namespace: str
) -> AsyncIterator[StartService]:
    """``await start_service("marca", **settings)`` runs a service in this test's namespace."""
    async with AsyncExitStack() as stack:

        async def start(name: str, **overrides: Any) -> RunningService:
            database = f"it_{name}_{uuid.uuid4().hex[:8]}"
            postgres.create_database(database)
            settings = Settings(
                service=name,
                pulsar_url=pulsar_lite.url,
                database_url=postgres.url(database),
                topic_namespace=namespace,
                database_pool_size=5,
                nack_delay_ms=100,
                max_redeliveries=2,
                **{"auth_hs256_secret": TEST_KEY, **overrides},
            )
            app = create_app(name, settings)
            await stack.enter_async_context(app.router.lifespan_context(app))
            http = await stack.enter_async_context(
                httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=app), base_url="http://test", headers=ADMIN
                )
            )
            return RunningService(name=name, app=app, http=http, settings=settings)

        yield start


class EventProbe:
    """Reads every event of the namespace's topics (own subscription) and publishes events."""

    def __init__(self, url: str, namespace: str) -> None:
        from alpes.messaging import AvroCodec
        from contracts import CONTEXTS, topic
        from faststream_pulsar import PulsarBroker

        self.namespace = namespace
        self.broker = PulsarBroker(url, codec=AvroCodec(), logger=None)
        self.seen: list[Any] = []
        for context in CONTEXTS:
            self.broker.subscriber(
                topic(context, namespace),
                subscription=f"probe-{uuid.uuid4().hex[:6]}",
                initial_position="Earliest",
            )(self._collect)

    async def _collect(self, event: Any) -> None:
        self.seen.append(event)

    def of(self, event_type: type[Any], id_campana: str | None = None) -> list[Any]:
        return [
            e
            for e in self.seen
            if isinstance(e, event_type) and (id_campana is None or e.id_campana == id_campana)
        ]

    async def answer(self, event: Any, answer_type: type[Any]) -> list[Any]:
        """Publish ``event``; wait for the ``answer_type`` events of its campaign; those."""
        await self.publish(event)
        return await eventually(
            lambda: self.of(answer_type, event.id_campana),
            message=f"{answer_type.__name__} of {event.id_campana}",
        )

    async def publish(self, event: Any) -> None:
        from contracts import topic_for

        await self.broker.publish(
            event,
            topic_for(event, self.namespace),
            key=event.id_campana,
            message_id=event.id_evento,
        )


@pytest.fixture
async def probe(pulsar_lite: PulsarLite, namespace: str) -> AsyncIterator[EventProbe]:
    events = EventProbe(pulsar_lite.url, namespace)
    async with started(events.broker):
        yield events
