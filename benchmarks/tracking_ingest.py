"""Tracking ingestion: events/s and latency of ``POST /tracking/evento`` and ``/tracking/eventos``.

Starts pulsar-lite and an embedded PostgreSQL in a temporary directory, runs the tracking service
as a real process (``python -m alpes.cli serve tracking``, one uvicorn worker), provisions one
campaign the way production does (a ``CampanaCreada`` published on the broker; tracking answers
with its codes), then drives HTTP load at a fixed concurrency from separate processes
(``benchmarks.load``: aiohttp when installed, else httpx in several processes):

- ``GET /health``: the ceiling of this harness (load generator + the service's HTTP stack, same
  cores), measured in the same run;
- single events, rotating over every ``tipo_evento`` and the influencers' codes;
- batches of ``--batch`` events per request;
- reading the campaign's events, 100 per page, once all those events are stored.

Each phase runs ``--warmup`` seconds unmeasured, then ``--duration`` seconds measured. At the end
the campaign's counters must equal the number of events the service accepted (warm-up included).
``--profile FILE`` records the service with py-spy (when installed) during the bulk phase: an
SVG flame graph, or collapsed stacks for a ``.txt`` name.

    python -m benchmarks.tracking_ingest [--concurrency 16] [--duration 10] [--warmup 2]
                                         [--batch 100] [--processes N] [--profile FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

import contracts as c
from alpes.infra import EmbeddedPostgres, PulsarLite, free_port
from alpes.messaging import AvroCodec
from benchmarks.load import Request, Tally, closed_loop, default_processes
from faststream_pulsar import PulsarBroker

TIPOS = ("vista", "clic", "conversion", "engagement", "compartir", "comentario")
SINGLE_BODIES = 600  # distinct prepared single events, cycled
BULK_BODIES = 60  # distinct prepared batches, cycled


@dataclass
class Phase:
    name: str
    events_per_request: int
    tally: Tally

    def line(self) -> str:
        ms = sorted(x * 1000 for x in self.tally.latencies)
        p50 = statistics.median(ms) if ms else float("nan")
        p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))] if ms else float("nan")
        req_s = self.rate
        return (
            f"{self.name:<32} {req_s:>9.0f} {req_s * self.events_per_request:>10.0f} "
            f"{p50:>8.1f} {p99:>8.1f} {self.tally.errors:>7}"
        )

    @property
    def rate(self) -> float:
        return self.tally.requests / self.tally.seconds


def start_service(
    pulsar: PulsarLite, postgres: EmbeddedPostgres, log: Path
) -> tuple[Any, str, str]:
    port = free_port()
    namespace = f"public/bench{uuid.uuid4().hex[:8]}"
    postgres.create_database("bench_tracking")
    env = {
        **os.environ,
        "SERVICE": "tracking",
        "PULSAR_URL": pulsar.url,
        "DATABASE_URL": postgres.url("bench_tracking"),
        "TOPIC_NAMESPACE": namespace,
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "alpes.cli", "serve", "tracking"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return process, f"http://127.0.0.1:{port}", namespace


async def wait_until(check: Callable[[], Awaitable[bool]], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if await check():
                return
        except httpx.HTTPError:
            pass
        await asyncio.sleep(0.1)
    raise SystemExit(f"{what} did not happen within {timeout} s")


async def provision(
    http: httpx.AsyncClient, pulsar_url: str, namespace: str
) -> tuple[str, list[str]]:
    """Publish a ``CampanaCreada`` as afiliaciones would; return the campaign and its codes."""
    id_campana, ahora = str(uuid.uuid4()), c.utc_now()
    creada = c.CampanaCreada(
        id_evento=c.new_event_id(), ocurrido_en=ahora, id_campana=id_campana, id_saga="bench",
        id_correlacion="bench", nombre="bench", descripcion="bench", tipo="influencer",
        estado="creada", fecha_creacion=ahora, fecha_inicio=ahora,
        fecha_fin=ahora + timedelta(days=30), presupuesto=1000.0,
        marca=c.MarcaCampana(id_marca="bench", nombre_marca="bench"),
        influencers=[
            c.InfluencerCampana(nombre=f"influencer {n}", plataforma="Instagram", seguidores=1,
                                categoria="x")
            for n in range(4)
        ],
        plazo_saga=ahora + timedelta(seconds=30),
    )  # fmt: skip
    broker = PulsarBroker(pulsar_url, codec=AvroCodec())
    await broker.start()
    await broker.publish(creada, c.topic_for(creada, namespace), key=id_campana)
    await broker.stop()
    codes: list[str] = []

    async def provisioned() -> bool:
        response = await http.get(f"/tracking/campanas/{id_campana}/codigos")
        codes[:] = [k["codigo"] for k in response.json()] if response.status_code == 200 else []
        return len(codes) == 4

    await wait_until(provisioned, "provisioning by CampanaCreada")
    return id_campana, codes


def has_code(n: int) -> bool:
    return n % 3 != 0


def event(id_campana: str, codes: list[str], n: int) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id_campana": id_campana,
        "tipo_evento": TIPOS[n % len(TIPOS)],
        "datos": {"usuario": f"user{n}", "fuente": "instagram", "valor_compra": 1.5},
    }
    if has_code(n):
        body["codigo"] = codes[n % len(codes)]
    return body


async def run(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="bench-tracking-") as tmp:
        work = Path(tmp)
        pulsar = PulsarLite.start(work / "pulsar")
        postgres = await asyncio.to_thread(EmbeddedPostgres.start, work / "postgres")
        process, url, namespace = start_service(pulsar, postgres, work / "tracking.log")
        try:
            async with httpx.AsyncClient(base_url=url, timeout=30) as http:

                async def ready() -> bool:
                    return (await http.get("/ready")).status_code == 200

                await wait_until(ready, "the service's readiness")
                id_campana, codes = await provision(http, pulsar.url, namespace)
                phases = await measure(url, process.pid, id_campana, codes, args)
                metrics = (await http.get(f"/tracking/metricas/{id_campana}")).json()
        finally:
            process.terminate()
            process.wait(20)
            pulsar.stop()
            await asyncio.to_thread(postgres.stop)
    return report(phases, metrics, args)


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


async def measure(
    url: str, pid: int, id_campana: str, codes: list[str], args: argparse.Namespace
) -> list[Phase]:
    """The four phases in turn, each from fresh load-generator processes."""

    async def drive(name: str, events: int, requests: list[Request]) -> Phase:
        tally = await asyncio.to_thread(
            closed_loop,
            url,
            requests,
            concurrency=args.concurrency,
            warmup=args.warmup,
            duration=args.duration,
            processes=args.processes,
        )
        return Phase(name, events, tally)

    health = await drive("GET /health (harness)", 1, [Request("GET", "/health", events=0)])
    singles = [
        Request("POST", "/tracking/evento", _json(event(id_campana, codes, n)), 1, int(has_code(n)))
        for n in range(SINGLE_BODIES)
    ]
    single = await drive("POST /tracking/evento", 1, singles)
    batches = []
    for b in range(BULK_BODIES):
        numbers = range(b * args.batch, (b + 1) * args.batch)
        body = _json({"eventos": [event(id_campana, codes, n) for n in numbers]})
        coded = sum(has_code(n) for n in numbers)
        batches.append(Request("POST", "/tracking/eventos", body, args.batch, coded))
    profiler = start_profiler(pid, args)
    try:
        bulk = await drive(f"POST /tracking/eventos x{args.batch}", args.batch, batches)
    finally:
        if profiler is not None:
            profiler.wait(60)
    page = await drive(
        "GET /tracking/eventos ?limit=100",
        1,
        [Request("GET", f"/tracking/eventos/{id_campana}?limit=100", events=0)],
    )
    return [health, single, bulk, page]


def start_profiler(pid: int, args: argparse.Namespace) -> subprocess.Popen[bytes] | None:
    """py-spy sampling the service for the whole bulk phase (start-up and warm-up included)."""
    if args.profile is None:
        return None
    py_spy = shutil.which("py-spy")
    if py_spy is None:
        print("--profile: py-spy is not installed (pip install py-spy); not profiling")
        return None
    seconds = int(args.warmup + args.duration + 2)
    fmt = "raw" if args.profile.suffix == ".txt" else "flamegraph"
    command = [py_spy, "record", "--pid", str(pid), "--duration", str(seconds), "--format", fmt]
    return subprocess.Popen([*command, "--output", str(args.profile), "--nonblocking"])


def report(phases: list[Phase], metrics: dict[str, Any], args: argparse.Namespace) -> int:
    health, single, bulk, _ = phases
    processes = args.processes or default_processes()
    print(f"tracking ingestion: concurrency {args.concurrency}, {args.duration:g} s after "
          f"{args.warmup:g} s warm-up, one uvicorn worker, {os.cpu_count()} cores shared; "
          f"load from {processes} {health.tally.client} process(es)")  # fmt: skip
    print(
        f"{'request':<32} {'req/s':>9} {'events/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}"
    )
    for phase in phases:
        print(phase.line())
    print(f"single events / harness ceiling: {single.rate / health.rate:.2f}")
    print(f"bulk events/s / single events/s: {bulk.rate * args.batch / single.rate:.1f}")
    accepted = single.tally.accepted + bulk.tally.accepted
    counted = metrics["total_eventos"]
    per_code = sum(i["total_eventos"] for i in metrics["por_influencer"])
    coded = single.tally.coded + bulk.tally.coded
    print(f"counters: total_eventos {counted} (accepted {accepted}); "
          f"sum over codes {per_code} (accepted with a code {coded})")  # fmt: skip
    if (counted, per_code) != (accepted, coded):
        print("MISMATCH: the counters do not equal the accepted events")
        return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument(
        "--processes", type=int, default=None,
        help="load-generator processes (default: 1 with aiohttp, else 4 with httpx)",
    )  # fmt: skip
    parser.add_argument("--profile", type=Path, default=None, help="py-spy output (.svg, .txt)")
    return asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
