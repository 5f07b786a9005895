"""A closed-loop HTTP load generator that runs in processes of its own.

A benchmark must measure the service, not its client: ``closed_loop`` starts ``processes``
fresh Python processes (never the benchmark's own), each with ``concurrency / processes``
workers that send requests back to back over keep-alive connections, and sums what they saw.
It uses aiohttp when it is importable (one process reaches several thousand requests/s on one
core), else httpx (a few hundred per process: give it more processes). Every request is
encoded before the clock starts: a worker only picks the next prepared body, sends it and
reads the answer.

All processes start their windows at the same wall-clock instant: ``warmup`` seconds unmeasured,
then ``duration`` seconds measured. Whatever the service accepts counts, warm-up included, so a
benchmark can check its counters against ``Tally.accepted``.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

HAVE_AIOHTTP = importlib.util.find_spec("aiohttp") is not None


@dataclass(frozen=True)
class Request:
    """One prepared request: ``events`` and ``coded`` are what it carries, counted when it is
    accepted (2xx)."""

    method: str
    path: str
    body: bytes | None = None
    events: int = 1
    coded: int = 0
    headers: tuple[tuple[str, str], ...] = ()
    """Besides ``Content-Type: application/json``: credentials, say."""


@dataclass
class Tally:
    requests: int = 0  # answered 2xx in the measured window
    errors: int = 0  # answered otherwise (or failed) in the measured window
    accepted: int = 0  # events carried by 2xx answers, warm-up included
    answered: int = 0  # 2xx answers, warm-up included
    coded: int = 0  # of which came with an influencer's code
    seconds: float = 0.0  # the measured window
    latencies: list[float] = field(default_factory=list)  # of the measured window's requests
    client: str = ""

    def merge(self, other: Tally) -> None:
        self.requests += other.requests
        self.errors += other.errors
        self.accepted += other.accepted
        self.answered += other.answered
        self.coded += other.coded
        self.seconds = max(self.seconds, other.seconds)
        self.latencies += other.latencies
        self.client = other.client


@dataclass(frozen=True)
class _Spec:
    base_url: str
    requests: list[Request]
    concurrency: int
    start_at: float  # time.time() at which the warm-up starts
    warmup: float
    duration: float
    offset: int  # where this process starts in ``requests``
    use_aiohttp: bool


def default_processes() -> int:
    return 1 if HAVE_AIOHTTP else 4


def closed_loop(
    base_url: str,
    requests: list[Request],
    *,
    concurrency: int,
    warmup: float,
    duration: float,
    processes: int | None = None,
    use_aiohttp: bool | None = None,
) -> Tally:
    """Drive ``requests`` (cycled) at ``concurrency`` from ``processes`` processes."""
    processes = max(1, min(processes or default_processes(), concurrency))
    aiohttp_ = HAVE_AIOHTTP if use_aiohttp is None else use_aiohttp
    start_at = time.time() + 1.0 + 0.3 * processes  # time for the processes to start
    shares = [concurrency // processes + (i < concurrency % processes) for i in range(processes)]
    specs = [
        _Spec(base_url, requests, share, start_at, warmup, duration, i * 7919, aiohttp_)
        for i, share in enumerate(shares)
    ]
    with ProcessPoolExecutor(processes, mp_context=get_context("spawn")) as pool:
        tallies = list(pool.map(_run, specs))
    total = Tally()
    for tally in tallies:
        total.merge(tally)
    return total


def add_load_options(parser: argparse.ArgumentParser, *, duration: float) -> None:
    """The options :func:`closed_loop_as_asked` reads: the load's shape."""
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--duration", type=float, default=duration)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument(
        "--processes", type=int, default=None,
        help="load-generator processes (default: 1 with aiohttp, else 4 with httpx)",
    )  # fmt: skip


def closed_loop_as_asked(base_url: str, requests: list[Request], args: Any) -> Tally:
    """:func:`closed_loop` with the benchmarks' common options (``--concurrency``,
    ``--warmup``, ``--duration``, ``--processes``)."""
    return closed_loop(
        base_url,
        requests,
        concurrency=args.concurrency,
        warmup=args.warmup,
        duration=args.duration,
        processes=args.processes,
    )


def _run(spec: _Spec) -> Tally:
    if spec.use_aiohttp:
        return asyncio.run(_drive_aiohttp(spec))
    return asyncio.run(_drive_httpx(spec))


async def _drive_aiohttp(spec: _Spec) -> Tally:
    import aiohttp

    connector = aiohttp.TCPConnector(limit=spec.concurrency, force_close=False)
    timeout = aiohttp.ClientTimeout(total=60)
    json_body = {"Content-Type": "application/json"}
    async with aiohttp.ClientSession(spec.base_url, connector=connector, timeout=timeout) as s:

        async def send(request: Request) -> int:
            headers = {**json_body, **dict(request.headers)} if request.headers else json_body
            async with s.request(
                request.method, request.path, data=request.body, headers=headers
            ) as response:
                await response.read()
                return response.status

        return await _drive(spec, send, "aiohttp")


async def _drive_httpx(spec: _Spec) -> Tally:
    import httpx

    limits = httpx.Limits(
        max_connections=spec.concurrency, max_keepalive_connections=spec.concurrency
    )
    json_body = {"Content-Type": "application/json"}
    async with httpx.AsyncClient(base_url=spec.base_url, limits=limits, timeout=60) as client:

        async def send(request: Request) -> int:
            headers = {**json_body, **dict(request.headers)} if request.headers else json_body
            response = await client.request(
                request.method, request.path, content=request.body, headers=headers
            )
            return response.status_code

        return await _drive(spec, send, "httpx")


async def _drive(spec: _Spec, send: Any, client: str) -> Tally:
    tally = Tally(client=client)
    requests, n = spec.requests, spec.offset
    await asyncio.sleep(max(0.0, spec.start_at - time.time()))
    start = time.perf_counter()
    measure_from = start + spec.warmup
    stop_at = measure_from + spec.duration
    latencies = tally.latencies

    async def worker() -> None:
        nonlocal n
        while (now := time.perf_counter()) < stop_at:
            request = requests[n % len(requests)]
            n += 1
            try:
                ok = 200 <= await send(request) < 300
            except Exception:  # a failed request is an error, the load goes on
                ok = False
            done = time.perf_counter()
            if ok:
                tally.answered += 1
                tally.accepted += request.events
                tally.coded += request.coded
            if now >= measure_from:
                tally.requests += ok
                tally.errors += not ok
                latencies.append(done - now)

    await asyncio.gather(*(worker() for _ in range(spec.concurrency)))
    tally.seconds = time.perf_counter() - measure_from
    return tally


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) process ``pid`` has used so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postmaster(postgres: Any) -> int:
    """The process id of an embedded PostgreSQL's postmaster (the parent of its backends)."""
    return int((postgres.data_dir / "postmaster.pid").read_text().split()[0])


def children_cpu_seconds(parent: int) -> float:
    """CPU seconds the children of ``parent`` (say PostgreSQL's postmaster) have used so far."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            total += cpu_seconds(int(stat.parent.name))
    return total
