"""No route of any service hops to a thread: FastAPI runs a plain ``def`` endpoint or
dependency in its thread pool, which costs a request more than the rest of a light one
(a single tracking event lost 40 % of its throughput to one such dependency)."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from alpes.cli import create_app
from alpes.settings import SERVICES, Settings


def calls(dependant: Dependant) -> Iterator[Any]:
    if dependant.call is not None:
        yield dependant.call
    for sub in dependant.dependencies:
        yield from calls(sub)


def runs_on_the_loop(call: Any) -> bool:
    if inspect.isroutine(call):
        return inspect.iscoroutinefunction(call) or inspect.isasyncgenfunction(call)
    dunder = type(call).__call__  # a callable instance: HTTPBearer, say
    return inspect.iscoroutinefunction(dunder)


def routes(service: str) -> Iterator[APIRoute]:
    """The app's own routes (health, docs, metrics) and the service's routers' routes."""
    app = create_app(service, Settings(service=service, auth_hs256_secret="k" * 32))
    description = importlib.import_module(f"{service}_svc.bootstrap").SERVICE
    for route in [*app.routes, *(r for router in description.routers for r in router.routes)]:
        if isinstance(route, APIRoute):
            yield route


@pytest.mark.parametrize("service", SERVICES)
def test_every_endpoint_and_dependency_runs_on_the_event_loop(service: str) -> None:
    threaded = {
        f"{route.path}: {getattr(call, '__qualname__', call)}"
        for route in routes(service)
        for call in calls(route.dependant)
        if not runs_on_the_loop(call)
    }
    assert not threaded, f"run in a thread pool: {sorted(threaded)}"
