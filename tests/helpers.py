"""Small helpers shared by the suites: polling with a deadline instead of sleeping, the seed's
requests, an integration event's envelope, a server for a fixture's lifetime, a broker started
for a block."""

from __future__ import annotations

import asyncio
import importlib.machinery
import importlib.util
import inspect
import json
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from functools import cache
from pathlib import Path
from typing import Any, Protocol, TypeVar, overload

import contracts as c
from faststream_pulsar import PulsarBroker

T = TypeVar("T")


class Server(Protocol):
    def stop(self) -> None: ...


S = TypeVar("S", bound=Server)

SEED = Path(__file__).resolve().parent / "seed"
"""The seed's Postman collection and environment (``tests/seed``)."""


@overload
async def eventually(
    probe: Callable[[], Awaitable[T | None]],
    *,
    timeout: float = ...,
    interval: float = ...,
    message: str = ...,
) -> T: ...


@overload
async def eventually(
    probe: Callable[[], T | None],
    *,
    timeout: float = ...,
    interval: float = ...,
    message: str = ...,
) -> T: ...


async def eventually(
    probe: Callable[[], Any],
    *,
    timeout: float = 20.0,
    interval: float = 0.05,
    message: str = "condition",
) -> Any:
    """Poll ``probe`` until it returns a truthy value (awaiting it when it returns an
    awaitable) and return that value; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{message} not met within {timeout} s (last: {result!r})")
        await asyncio.sleep(interval)


def unique_topic(name: str) -> str:
    return f"persistent://public/default/{name}-{uuid.uuid4().hex[:10]}"


@cache
def _seed_requests() -> dict[str, str]:
    """The raw body of every request of the seed's collection, by name, with the variables of
    the seed's environment filled in."""
    collection = json.loads((SEED / "Alpes Partners.postman_collection.json").read_text())
    environment = json.loads((SEED / "Alpes Partners.postman_environment.json").read_text())
    bodies: dict[str, str] = {}
    for folder in collection["item"]:
        for item in folder["item"]:
            raw = item["request"].get("body", {}).get("raw", "")
            for variable in environment["values"]:
                raw = raw.replace("{{" + variable["key"] + "}}", variable["value"])
            bodies[item["name"]] = raw
    return bodies


def seed_request(name: str) -> dict[str, Any]:
    """The JSON body of the seed's request ``name`` (a fresh copy)."""
    body: dict[str, Any] = json.loads(_seed_requests()[name])
    return body


def envoltura(
    id_campana: str | None = None, *, id_saga: str | None = None, id_correlacion: str | None = None
) -> dict[str, Any]:
    """An integration event's envelope: a new event id, now, and the campaign, saga and
    correlation (new ones where not given)."""
    return {
        "id_evento": c.new_event_id(),
        "ocurrido_en": c.utc_now(),
        "id_campana": id_campana or str(uuid.uuid4()),
        "id_saga": id_saga or str(uuid.uuid4()),
        "id_correlacion": id_correlacion or f"prueba-{uuid.uuid4().hex[:6]}",
    }


def serving(start: Callable[[Path], S], data_dir: Path) -> Iterator[S]:
    """For a fixture (``yield from``): the server ``start(data_dir)`` gives, stopped at the
    fixture's teardown."""
    server = start(data_dir)
    yield server
    server.stop()


@asynccontextmanager
async def started(broker: PulsarBroker) -> AsyncIterator[PulsarBroker]:
    """``broker`` connected and its subscribers consuming for the block; closed after it."""
    async with broker:
        await broker.start()
        yield broker


def load_script(path: Path) -> Any:
    """A Python script of the repository (``scripts/broker-tokens``, ``deploy/pulsar/init.py``),
    loaded as a module without running its ``main``."""
    loader = importlib.machinery.SourceFileLoader(
        path.name.replace("-", "_").removesuffix(".py"), str(path)
    )
    spec = importlib.util.spec_from_loader(loader.name, loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module
