"""What tracing costs a tracking request, measured in one process (docs/observability.md).

Two tracking apps run in this process on one database: one with tracing on and exporting
nowhere (``ALPES_TRACES=on``, every span made and dropped), one with tracing off. The same
requests go to one, then the other, in blocks of ``--per-block`` requests, alternating which
goes first; each block's CPU time per request is read with ``time.process_time``. The report
gives medians over the blocks and the median and quartiles of the blocks' untraced / traced
ratios: whatever the machine's other load does, it does it to both apps at once, so the ratio
moves far less than the load tests' rates do.

The requests, sent sequentially through ``httpx.ASGITransport`` (no sockets):
``page``, a brand's ``GET /tracking/eventos/{id}?limit=100``; ``single``, a tracker's
``POST /tracking/evento`` (alone, so a batch of one: its server span and two SQL spans);
``single x8``, eight of them at once (batched together, as under load).

``--spans http`` or ``--spans sql`` keeps only that instrumentation on the traced app (the
provider and the broker middleware stay); ``--spans none`` keeps neither, which should measure
1.00.

    python -m benchmarks.tracing_pair [--blocks 30] [--per-block 50] [--spans all|http|sql|none]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
from fastapi import FastAPI

from alpes import telemetry
from alpes.auth import Role
from alpes.cli import _tune_garbage_collector, create_app
from alpes.infra import EmbeddedPostgres, PulsarLite
from alpes.settings import Settings
from benchmarks.tracking_ingest import Auth, _json, event, provision

Send = Callable[[httpx.AsyncClient, int], Awaitable[None]]


def _keep_only(spans: str) -> None:
    """Leave the traced app only ``spans`` of its instrumentation (``all``: everything)."""
    if spans in ("http", "none"):
        telemetry.Tracing.instrument_engine = lambda self, engine: None  # type: ignore[method-assign]
    if spans in ("sql", "none"):
        telemetry.Tracing.instrument_app = lambda self, app: None  # type: ignore[method-assign]


async def measure(args: argparse.Namespace, pulsar: PulsarLite, postgres: EmbeddedPostgres) -> None:
    postgres.create_database("pair")
    auth = Auth("k" * 48)
    namespace = f"public/pair{uuid.uuid4().hex[:6]}"
    # tracking's own settings, read from the environment: rate limits no benchmark reaches
    os.environ.update({k: v for k, v in auth.env().items() if k.startswith("TRACKING_")})
    _keep_only(args.spans)

    def app(topic_namespace: str, *, traced: bool) -> FastAPI:
        settings = Settings(
            service="tracking",
            pulsar_url=pulsar.url,
            database_url=postgres.url("pair"),
            topic_namespace=topic_namespace,
            log_level="WARNING",
            auth_hs256_secret=auth.secret,
            alpes_traces=traced,
        )
        built: FastAPI = create_app("tracking", settings)
        return built

    # the traced app has topics of its own: the campaign reaches the database through the other
    apps = {"untraced": app(namespace, traced=False), "traced": app(namespace + "t", traced=True)}
    _tune_garbage_collector()
    untraced, traced = apps["untraced"], apps["traced"]
    async with untraced.router.lifespan_context(untraced), traced.router.lifespan_context(traced):
        clients = {
            name: httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app),
                base_url="http://pair",
                headers=auth.headers(Role.ADMIN),
            )
            for name, app in apps.items()
        }
        id_campana, codes = await provision(clients["untraced"], pulsar.url, namespace)
        tracker = {
            **auth.headers(Role.TRACKER, campanas=[id_campana]),
            "Content-Type": "application/json",
        }
        brand = auth.headers(Role.MARCA, id_marca="bench")
        batch = _json({"eventos": [event(id_campana, codes, n) for n in range(100)]})
        for _ in range(5):  # a page to read
            response = await clients["untraced"].post(
                "/tracking/eventos", content=batch, headers=tracker
            )
            response.raise_for_status()
        singles = [_json(event(id_campana, codes, n)) for n in range(64)]

        async def page(http: httpx.AsyncClient, n: int) -> None:
            response = await http.get(f"/tracking/eventos/{id_campana}?limit=100", headers=brand)
            response.raise_for_status()

        async def single(http: httpx.AsyncClient, n: int) -> None:
            response = await http.post(
                "/tracking/evento", content=singles[n % len(singles)], headers=tracker
            )
            response.raise_for_status()

        async def eight(http: httpx.AsyncClient, n: int) -> None:
            await asyncio.gather(*(single(http, 8 * n + k) for k in range(8)))

        cases: dict[str, Send] = {"page": page, "single": single, "single x8": eight}
        cpu: dict[tuple[str, str], list[float]] = {(c, a): [] for c in cases for a in apps}
        for block in range(args.blocks + 2):  # the first two warm up
            for case, send in cases.items():
                order = ("untraced", "traced") if block % 2 else ("traced", "untraced")
                for name in order:
                    started = time.process_time()
                    for n in range(args.per_block):
                        await send(clients[name], n)
                    if block >= 2:
                        per_request = (time.process_time() - started) / args.per_block
                        cpu[(case, name)].append(1e6 * per_request)
        for client in clients.values():
            await client.aclose()
    print(
        f"tracing in one process: {args.blocks} blocks of {args.per_block} requests per app, "
        f"spans: {args.spans}; CPU µs per request (medians) and untraced / traced per block"
    )
    print(f"{'request':<10} {'untraced':>9} {'traced':>9} {'ratio':>7}  quartiles")
    for case in cases:
        off, on = cpu[(case, "untraced")], cpu[(case, "traced")]
        ratios = [a / b for a, b in zip(off, on, strict=True)]
        q1, _, q3 = statistics.quantiles(ratios, n=4)
        print(
            f"{case:<10} {statistics.median(off):>9.0f} {statistics.median(on):>9.0f} "
            f"{statistics.median(ratios):>7.3f}  {q1:.3f}-{q3:.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=30)
    parser.add_argument("--per-block", type=int, default=50)
    parser.add_argument("--spans", choices=("all", "http", "sql", "none"), default="all")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-pair-") as tmp:
        work = Path(tmp)
        pulsar = PulsarLite.start(work / "pulsar")
        postgres = EmbeddedPostgres.start(work / "postgres")
        try:
            asyncio.run(measure(args, pulsar, postgres))
        finally:
            pulsar.stop()
            postgres.stop()


if __name__ == "__main__":
    main()
