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

Authentication is on, as in production: the service gets a fresh ``AUTH_HS256_SECRET``, the events
go with a ``tracker`` token of the campaign (checked, and rate limited per token and per address,
on every request: the limits are raised far above what this harness reaches, so they never
throttle it), the reads with the brand's token. ``--no-auth`` runs the service with
``AUTH_DISABLED=true`` and no tokens: the figure that authentication's cost is measured against;
``--vs-no-auth`` runs both in one run, interleaved like ``--baseline`` (the fairer comparison on
a noisy machine).

Each phase runs ``--warmup`` seconds unmeasured, then ``--duration`` seconds measured. At the end
the campaign's counters must equal the number of events the service accepted (warm-up included).
``--profile FILE`` records the first service (this tree's, traced or not) with py-spy (when
installed, 250 samples/s, full file names) during the bulk phase (or ``--profile-phase``) of the
first round: an SVG flame graph, or collapsed stacks for a ``.txt`` name.

The machine is shared and noisy, so a before/after comparison runs both services in one run:
``--baseline DIR`` starts a second tracking service from another source tree (a ``git worktree``
of the code before a change), and every phase runs on one service, then on the other, for
``--rounds`` rounds (alternating which goes first); the report gives medians over the rounds
and the median of the rounds' after/before ratios.

``--traces`` runs the service with tracing on and exporting nowhere (``ALPES_TRACES=on``,
``OTEL_TRACES_EXPORTER=none``: every span made, then dropped; docs/observability.md);
``--vs-no-traces`` runs a second service of this tree with tracing off beside it, interleaved:
the report gives traced / untraced.

    python -m benchmarks.tracking_ingest [--concurrency 16] [--duration 10] [--warmup 2]
                                         [--batch 100] [--processes N] [--rounds 1]
                                         [--baseline DIR] [--profile FILE] [--no-auth]
                                         [--traces] [--vs-no-traces]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

import contracts as c
from alpes.auth import Role, issue
from alpes.infra import EmbeddedPostgres, PulsarLite, free_port
from alpes.messaging import AvroCodec
from benchmarks.load import (
    Request,
    Tally,
    add_load_options,
    children_cpu_seconds,
    closed_loop_as_asked,
    cpu_seconds,
    default_processes,
    postmaster,
)
from faststream_pulsar import PulsarBroker

TIPOS = ("vista", "clic", "conversion", "engagement", "compartir", "comentario")
SINGLE_BODIES = 600  # distinct prepared single events, cycled
BULK_BODIES = 60  # distinct prepared batches, cycled


@dataclass
class Phase:
    name: str
    events_per_request: int
    tally: Tally
    cpu_us: float = float("nan")  # the service's CPU time per accepted event (per page: reads)
    pg_us: float = float("nan")  # PostgreSQL's

    @property
    def rate(self) -> float:
        return self.tally.requests / self.tally.seconds

    def percentile(self, q: float) -> float:
        ms = sorted(x * 1000 for x in self.tally.latencies)
        return ms[min(len(ms) - 1, int(len(ms) * q))] if ms else float("nan")


TRACES_ON = {"ALPES_TRACES": "on", "OTEL_TRACES_EXPORTER": "none"}
"""Tracing on, exporting nowhere: spans are made and dropped (``--traces``)."""

UNLIMITED = str(10**9)
"""Rate limits no harness reaches: the limiter runs on every request, and never refuses."""


@dataclass(frozen=True)
class Auth:
    """How the services are started and called: with ``secret`` (HS256), or without auth."""

    secret: str | None

    def env(self) -> dict[str, str]:
        if self.secret is None:
            return {"AUTH_DISABLED": "true"}
        return {
            "AUTH_HS256_SECRET": self.secret,
            "AUTH_DISABLED": "false",
            **{
                f"TRACKING_{name}": UNLIMITED
                for name in (
                    "RATE_PER_CREDENTIAL",
                    "BURST_PER_CREDENTIAL",
                    "RATE_PER_ADDRESS",
                    "BURST_PER_ADDRESS",
                )
            },
        }

    def headers(self, role: Role, **claims: Any) -> dict[str, str]:
        if self.secret is None:
            return {}
        return {"Authorization": f"Bearer {issue(self.secret, role, **claims)}"}


def start_service(
    pulsar: PulsarLite,
    postgres: EmbeddedPostgres,
    log: Path,
    tree: Path,
    database: str,
    *,
    auth: Auth,
    extra_env: dict[str, str] | None = None,
) -> tuple[Any, str, str]:
    """The tracking service of the source tree ``tree`` (its own database and namespace)."""
    port = free_port()
    namespace = f"public/bench{uuid.uuid4().hex[:8]}"
    postgres.create_database(database)
    env = {
        **os.environ,
        "SERVICE": "tracking",
        "PULSAR_URL": pulsar.url,
        "DATABASE_URL": postgres.url(database),
        "TOPIC_NAMESPACE": namespace,
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
        **auth.env(),
        **(extra_env or {}),
        "PYTHONPATH": os.pathsep.join([str(tree), *filter(None, [os.environ.get("PYTHONPATH")])]),
    }
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "alpes.cli", "serve", "tracking"],
            env=env,
            cwd=tree,
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


@dataclass
class Target:
    """One tracking service under load: this tree's, or the baseline's (``--baseline``)."""

    label: str
    tree: Path
    auth: Auth = field(default_factory=lambda: Auth(None))
    process: Any = None
    url: str = ""
    id_campana: str = ""
    codes: list[str] = field(default_factory=list)
    rounds: list[dict[str, Phase]] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)


HERE = Path(__file__).resolve().parents[1]


async def run(args: argparse.Namespace) -> int:
    auth = Auth(None if args.no_auth else secrets.token_urlsafe(48))
    traces = TRACES_ON if args.traces or args.vs_no_traces else {}
    targets = [Target("this tree" + (" traced" if traces else ""), HERE, auth, env=traces)]
    if args.baseline is not None:
        targets.append(Target("baseline", args.baseline, auth, env=traces))
    elif args.vs_no_auth:
        targets.append(Target("without auth", HERE, Auth(None), env=traces))
    elif args.vs_no_traces:
        targets.append(Target("untraced", HERE, auth))
    with tempfile.TemporaryDirectory(prefix="bench-tracking-") as tmp:
        work = Path(tmp)
        pulsar = PulsarLite.start(work / "pulsar")
        postgres = await asyncio.to_thread(EmbeddedPostgres.start, work / "postgres")
        try:
            for n, target in enumerate(targets):
                target.process, target.url, namespace = start_service(
                    pulsar,
                    postgres,
                    work / f"tracking{n}.log",
                    target.tree,
                    f"bench_tracking{n}",
                    auth=target.auth,
                    extra_env=target.env,
                )
                admin = target.auth.headers(Role.ADMIN)
                async with httpx.AsyncClient(
                    base_url=target.url, timeout=30, headers=admin
                ) as http:

                    async def ready() -> bool:
                        return (await http.get("/ready")).status_code == 200

                    await wait_until(ready, "the service's readiness")
                    target.id_campana, target.codes = await provision(http, pulsar.url, namespace)
            for r in range(args.rounds):
                # alternate which service goes first, phase by phase
                order = targets if r % 2 == 0 else targets[::-1]
                await measure(order, postgres, args, profile=args.profile if r == 0 else None)
            for target in targets:
                admin = target.auth.headers(Role.ADMIN)
                async with httpx.AsyncClient(
                    base_url=target.url, timeout=30, headers=admin
                ) as http:
                    response = await http.get(f"/tracking/metricas/{target.id_campana}")
                    target.metrics = response.json()
        finally:
            for target in targets:
                if target.process is not None:
                    target.process.terminate()
                    target.process.wait(20)
            pulsar.stop()
            await asyncio.to_thread(postgres.stop)
    return report(targets, args)


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def _requests(target: Target, args: argparse.Namespace) -> dict[str, tuple[int, list[Request]]]:
    """Every phase's prepared requests (events per request, requests), with the credentials of
    a tracker of the campaign (events) and of its brand (reads)."""
    id_campana, codes = target.id_campana, target.codes
    auth = target.auth
    tracker = tuple(auth.headers(Role.TRACKER, campanas=[id_campana]).items())
    brand = tuple(auth.headers(Role.MARCA, id_marca="bench").items())
    singles = [
        Request(
            "POST",
            "/tracking/evento",
            _json(event(id_campana, codes, n)),
            1,
            int(has_code(n)),
            headers=tracker,
        )
        for n in range(SINGLE_BODIES)
    ]
    batches = []
    for b in range(BULK_BODIES):
        numbers = range(b * args.batch, (b + 1) * args.batch)
        body = _json({"eventos": [event(id_campana, codes, n) for n in numbers]})
        coded = sum(has_code(n) for n in numbers)
        batches.append(
            Request("POST", "/tracking/eventos", body, args.batch, coded, headers=tracker)
        )
    return {
        HEALTH: (1, [Request("GET", "/health", events=0)]),
        SINGLE: (1, singles),
        BULK: (args.batch, batches),
        PAGE: (
            1,
            [Request("GET", f"/tracking/eventos/{id_campana}?limit=100", events=0, headers=brand)],
        ),
    }


HEALTH = "GET /health (harness)"
SINGLE = "POST /tracking/evento"
BULK = "POST /tracking/eventos"
PAGE = "GET /tracking/eventos ?limit=100"


async def measure(
    targets: list[Target],
    postgres: EmbeddedPostgres,
    args: argparse.Namespace,
    profile: Path | None,
) -> None:
    """One round: each phase in turn on every target, from fresh load-generator processes.
    The CPU time the service and PostgreSQL spend on a phase is read from /proc around it:
    per accepted event, a figure that the machine's other load moves far less than a rate."""
    prepared = [_requests(target, args) for target in targets]
    pg_pid = postmaster(postgres)
    for target in targets:
        target.rounds.append({})
    for name in (HEALTH, SINGLE, BULK, PAGE):
        for target, requests in zip(targets, prepared, strict=True):
            events, bodies = requests[name]
            profiler = None
            if name == args.profile_phase and profile is not None and target is targets[0]:
                profiler = start_profiler(target.process.pid, profile, args)
            before, before_pg = cpu_seconds(target.process.pid), children_cpu_seconds(pg_pid)
            try:
                tally = await asyncio.to_thread(closed_loop_as_asked, target.url, bodies, args)
            finally:
                if profiler is not None:
                    profiler.wait(60)
            phase = target.rounds[-1][name] = Phase(name, events, tally)
            units = tally.accepted or tally.answered  # events, or requests that carry none
            if units:
                phase.cpu_us = 1e6 * (cpu_seconds(target.process.pid) - before) / units
                phase.pg_us = 1e6 * (children_cpu_seconds(pg_pid) - before_pg) / units


def start_profiler(pid: int, output: Path, args: argparse.Namespace) -> Any:
    """py-spy sampling the service for a whole phase (start-up and warm-up included)."""
    py_spy = shutil.which("py-spy")
    if py_spy is None:
        print("--profile: py-spy is not installed (pip install py-spy); not profiling")
        return None
    seconds = int(args.warmup + args.duration + 2)
    fmt = "raw" if output.suffix == ".txt" else "flamegraph"
    command = [
        py_spy,
        "record",
        "--pid",
        str(pid),
        "--duration",
        str(seconds),
        "--format",
        fmt,
        "--rate",
        "250",
        "--full-filenames",
    ]
    return subprocess.Popen([*command, "--output", str(output), "--nonblocking"])


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def report(targets: list[Target], args: argparse.Namespace) -> int:
    processes = args.processes or default_processes()
    client = targets[0].rounds[0][HEALTH].tally.client
    print(f"tracking ingestion: concurrency {args.concurrency}, {args.duration:g} s after "
          f"{args.warmup:g} s warm-up per phase, {args.rounds} round(s), one uvicorn worker, "
          f"{os.cpu_count()} cores shared; load from {processes} {client} process(es); "
          f"medians over rounds; "
          f"{'authentication OFF (--no-auth)' if args.no_auth else 'tracker tokens, rate limited'}")  # fmt: skip
    print("cpu µs, pg µs: the service's and PostgreSQL's CPU time per accepted event "
          "(per request for a GET)")  # fmt: skip
    failed = 0
    for target in targets:
        print(f"\n{target.label} ({target.tree})")
        print(
            f"{'request':<32} {'req/s':>9} {'events/s':>10} {'p50 ms':>8} {'p99 ms':>8} "
            f"{'errors':>7} {'cpu µs':>9} {'pg µs':>9}"
        )
        for name in (HEALTH, SINGLE, BULK, PAGE):
            print(_line(name, [r[name] for r in target.rounds]))
        ceiling = [r[SINGLE].rate / r[HEALTH].rate for r in target.rounds]
        bulk = [r[BULK].rate * args.batch for r in target.rounds]
        single = [r[SINGLE].rate for r in target.rounds]
        print(f"single events / harness ceiling: {_median(ceiling):.2f} "
              f"(rounds: {', '.join(f'{x:.2f}' for x in ceiling)})")  # fmt: skip
        cpu_bulk = _median([r[BULK].cpu_us for r in target.rounds])
        print(f"bulk: one free core of the service would ingest {1e6 / cpu_bulk:,.0f} events/s "
              f"(1 / its CPU time per event)")  # fmt: skip
        print(f"bulk events/s: {_median(bulk):,.0f} "
              f"(rounds: {', '.join(f'{x:,.0f}' for x in bulk)}); "
              f"bulk / single events/s: {_median(bulk) / _median(single):.1f}")  # fmt: skip
        failed += not _counters_exact(target)
    if len(targets) == 2:
        this, base = targets
        print(f"\n{this.label} / {base.label}, median of the rounds' ratios (same run, "
              f"interleaved)")  # fmt: skip
        for name in (HEALTH, SINGLE, BULK, PAGE):
            ratios = [
                a[name].rate / b[name].rate for a, b in zip(this.rounds, base.rounds, strict=True)
            ]
            print(f"{name:<32} {_median(ratios):>6.2f}  "
                  f"(rounds: {', '.join(f'{x:.2f}' for x in ratios)})")  # fmt: skip
        for name in (SINGLE, BULK, PAGE):
            ratios = [
                b[name].cpu_us / a[name].cpu_us
                for a, b in zip(this.rounds, base.rounds, strict=True)
            ]
            unit = "page" if name == PAGE else "event"
            print(f"{name + f' (1 / CPU per {unit})':<32} {_median(ratios):>6.2f}  "
                  f"(rounds: {', '.join(f'{x:.2f}' for x in ratios)})")  # fmt: skip
    return 1 if failed else 0


def _line(name: str, phases: list[Phase]) -> str:
    """Medians over the rounds: rate, and each round's p50 and p99."""
    rate = _median([p.rate for p in phases])
    p50 = _median([p.percentile(0.5) for p in phases])
    p99 = _median([p.percentile(0.99) for p in phases])
    errors = sum(p.tally.errors for p in phases)
    events = rate * phases[0].events_per_request
    cpu_us = _median([p.cpu_us for p in phases])
    pg_us = _median([p.pg_us for p in phases])
    return (
        f"{name:<32} {rate:>9.0f} {events:>10.0f} {p50:>8.1f} {p99:>8.1f} {errors:>7} "
        f"{cpu_us:>9.1f} {pg_us:>9.1f}"
    )


def _counters_exact(target: Target) -> bool:
    accepted = sum(r[n].tally.accepted for r in target.rounds for n in (SINGLE, BULK))
    coded = sum(r[n].tally.coded for r in target.rounds for n in (SINGLE, BULK))
    counted = target.metrics["total_eventos"]
    per_code = sum(i["total_eventos"] for i in target.metrics["por_influencer"])
    print(f"counters: total_eventos {counted} (accepted {accepted}); "
          f"sum over codes {per_code} (accepted with a code {coded})")  # fmt: skip
    if (counted, per_code) != (accepted, coded):
        print("MISMATCH: the counters do not equal the accepted events")
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_load_options(parser, duration=10.0)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--profile", type=Path, default=None, help="py-spy output (.svg, .txt)")
    parser.add_argument(
        "--profile-phase", default=BULK, choices=[HEALTH, SINGLE, BULK, PAGE],
        help="the phase --profile records (default: the bulk one)",
    )  # fmt: skip
    parser.add_argument("--rounds", type=int, default=1, help="rounds of all phases (medians)")
    parser.add_argument(
        "--no-auth",
        action="store_true",
        help="run the service with AUTH_DISABLED=true and send no tokens (the figure without "
        "authentication, to compare with)",
    )
    parser.add_argument(
        "--vs-no-auth",
        action="store_true",
        help="also run a second service of this tree without authentication, phase by phase "
        "in alternation (as --baseline does): the report gives with auth / without auth",
    )
    parser.add_argument(
        "--baseline", type=Path, default=None,
        help="another source tree (say a git worktree of the code before a change): its "
        "service runs beside this tree's, phase by phase in alternation, and the report "
        "gives this tree / baseline",
    )  # fmt: skip
    parser.add_argument(
        "--traces",
        action="store_true",
        help="run the service with tracing on, exporting nowhere (ALPES_TRACES=on, "
        "OTEL_TRACES_EXPORTER=none)",
    )
    parser.add_argument(
        "--vs-no-traces",
        action="store_true",
        help="--traces, and a second service of this tree with tracing off, phase by phase "
        "in alternation: the report gives traced / untraced",
    )
    args = parser.parse_args()
    if args.baseline is not None:
        args.baseline = args.baseline.resolve()
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
