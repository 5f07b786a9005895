"""Saga latency and throughput with all four services, pulsar-lite and embedded PostgreSQL.

    python -m benchmarks.saga [--rate 5] [--seconds 20] [--ramp 5,10,20,40]
    python -m benchmarks.saga --overload 20 [--ramp ...] [--overload-rate R] [--backlog-limit N]

1. Latency at a steady rate: from sending ``POST /afiliaciones/campana`` to seeing the
   saga's ``CampanaConfirmada`` on the broker (a probe subscription), p50/p99.
2. The highest sustained rate: offered rates in turn; sustained when >= 95 % of the
   sagas confirm within the window plus 5 s and p99 stays under 1 s.
3. Failure to compensated: sagas whose brand is inactive; from the broker's delivery of
   ``ReservaPresupuestoRechazada`` to the last compensation event seen.
Baselines in the same run: one broker hop (publish -> a subscriber's handler), p50, and the
harness's ceiling (``GET /health`` offered at five times the ramp's top rate). During the steady
phase it reads each process's CPU time from /proc: milliseconds of CPU per confirmed saga for
every service, pulsar-lite and PostgreSQL, and the rate two cores could reach at that cost.
``--chart PATH`` draws the ramp's latency (p50, p99) and confirmations against the offered rate
as a PNG (docs/saga-latency.png).

``--overload SECONDS`` measures admission control (docs/adr/0010) instead of 1 and 3: the
highest sustained rate of the ramp (the baseline, same run), then three times that rate offered
for SECONDS: confirmations per second during the window (and as a share of the baseline), the
requests refused with 429 (their ``Retry-After``), POST latency of each answer, and how many
admitted sagas were cancelled at their deadline (must be 0). The services run with the default
saga deadline (30 s) there; ``--backlog-limit`` sets ``SAGA_BACKLOG_LIMIT`` (a huge one is
the platform without admission control); ``--overload-rate`` offers that rate instead of 3x.
The harness's ceiling in the same run: ``GET /health`` offered at five times the overload rate.

``--traces`` runs the four services with tracing on and exporting nowhere (``ALPES_TRACES=on``,
``OTEL_TRACES_EXPORTER=none``: every span made, then dropped; docs/observability.md): run it
and a run without, alternately, to see what tracing costs.

Requests come from aiohttp, open loop (each sent at its time whether or not the earlier ones
were answered).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from alpes.infra import EmbeddedPostgres, PulsarLite
from alpes.settings import SERVICES
from benchmarks import load
from contracts import (
    CampanaCancelada,
    InfluencersLiberados,
    ReservaPresupuestoRechazada,
    TrackingDeshabilitado,
)
from faststream_pulsar import PulsarBroker
from tests.auth import ADMIN
from tests.e2e.api import campaign_body
from tests.e2e.conftest import launch_platform
from tests.integration.conftest import EventProbe


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")


class Timings(EventProbe):
    def __init__(self, url: str, namespace: str) -> None:
        super().__init__(url, namespace)
        self.at: dict[tuple[str, str], float] = {}
        self.origen: dict[str, str] = {}  # who cancelled each cancelled campaign

    async def _collect(self, event: Any) -> None:
        self.at.setdefault((type(event).__name__, event.id_campana), time.perf_counter())
        if isinstance(event, CampanaCancelada):
            self.origen.setdefault(event.id_campana, event.origen)


class Offered:
    """What an open-loop offer of new campaigns got back."""

    def __init__(self) -> None:
        self.sent: dict[str, float] = {}  # admitted campaign -> when its POST was sent
        self.answers: dict[int, list[float]] = {}  # status -> POST latencies (s)
        self.retry_after: list[int] = []

    def count(self, status: int) -> int:
        return len(self.answers.get(status, []))


async def offer(
    client: aiohttp.ClientSession, url: str, rate: float, seconds: float, **body: Any
) -> Offered:
    """POST ``rate`` new campaigns a second for ``seconds``, open loop."""
    got = Offered()

    async def one() -> None:
        start = time.perf_counter()
        async with client.post(f"{url}/afiliaciones/campana", json=campaign_body(**body)) as r:
            answer = await r.json()
            got.answers.setdefault(r.status, []).append(time.perf_counter() - start)
            if r.status == 201:
                got.sent[answer["id"]] = start
            elif r.status == 429:
                got.retry_after.append(int(r.headers["Retry-After"]))

    await paced(one, rate, seconds)
    return got


async def paced(send: Any, rate: float, seconds: float) -> None:
    tasks = []
    begin = time.perf_counter()
    for i in range(int(rate * seconds)):
        await asyncio.sleep(max(0.0, begin + i / rate - time.perf_counter()))  # pacing, not waiting
        tasks.append(asyncio.create_task(send()))
    await asyncio.gather(*tasks)


async def drive(
    client: aiohttp.ClientSession, url: str, rate: float, seconds: float, **body: Any
) -> dict[str, float]:
    return (await offer(client, url, rate, seconds, **body)).sent


async def settle(probe: Timings, sent: dict[str, float], event: str, grace: float) -> list[float]:
    deadline = time.perf_counter() + grace
    while time.perf_counter() < deadline and any((event, c) not in probe.at for c in sent):
        await asyncio.sleep(0.05)
    return [probe.at[(event, c)] - t for c, t in sent.items() if (event, c) in probe.at]


async def hop_baseline(url: str) -> float:
    broker = PulsarBroker(url)
    topic = f"persistent://public/default/bench-hop-{uuid.uuid4().hex[:6]}"
    got: asyncio.Queue[float] = asyncio.Queue()

    @broker.subscriber(topic, subscription="hop")
    async def handle(sent_at: float) -> None:
        await got.put(time.perf_counter() - sent_at)

    await broker.start()
    samples = []
    for _ in range(200):
        await broker.publish(time.perf_counter(), topic)
        samples.append(await got.get())
    await broker.stop()
    return statistics.median(samples) * 1000


@dataclass
class Step:
    """One offered rate of the ramp and what it got."""

    offered: float
    confirmed_per_s: float
    p50_ms: float
    p99_ms: float
    sustained: bool


async def highest_sustained(
    client: aiohttp.ClientSession,
    probe: Timings,
    url: str,
    ramp: list[float],
    meter: CpuMeter | None = None,
) -> tuple[float, list[Step]]:
    """The highest offered rate of ``ramp`` (in turn, 10 s each) at which >= 95 % of the sagas
    confirm within 5 s of the window and p99 stays under 1 s; and every step measured (with
    ``meter``, the CPU each process spent per confirmed saga)."""
    best = 0.0
    steps = []
    window = 10
    for offered in ramp:
        used = meter.read() if meter else {}
        begin = time.perf_counter()
        sent = await drive(client, url, offered, window)
        lat = await settle(probe, sent, "CampanaConfirmada", 5)
        in_window = sum(
            begin <= probe.at[("CampanaConfirmada", c)] < begin + window
            for c in sent
            if ("CampanaConfirmada", c) in probe.at
        )
        ok = len(lat) >= 0.95 * len(sent) and pct(lat, 0.99) < 1000
        steps.append(Step(offered, in_window / window, pct(lat, 0.5), pct(lat, 0.99), ok))
        print(
            f"ramp {offered}/s: {len(lat)}/{len(sent)} confirmed ({in_window / window:.1f}/s in "
            f"the window), p50 {pct(lat, 0.5):.0f} ms, p99 {pct(lat, 0.99):.0f} ms"
            f" -> {'sustained' if ok else 'not sustained'}"
        )
        if meter:
            meter.report(used, len(lat))
        if not ok:
            break
        best = offered
    print(f"highest sustained rate: {best}/s")
    return best, steps


def draw(steps: list[Step], path: Path, title: str) -> None:
    """Latency (p50, p99) and confirmations per second against the offered rate, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    offered = [s.offered for s in steps]
    fig, latency = plt.subplots(figsize=(8, 4.5), dpi=110)
    latency.plot(offered, [s.p50_ms for s in steps], "o-", label="p50, creation to confirmed")
    latency.plot(offered, [s.p99_ms for s in steps], "s-", label="p99")
    latency.axhline(1000, color="grey", linestyle=":", linewidth=1)
    latency.text(offered[-1], 1100, "p99 1 s: the limit of sustained", fontsize=8, ha="right")
    latency.set_yscale("log")
    latency.set_xlabel("offered sagas/s (open loop, 10 s per step)")
    latency.set_ylabel("latency, ms (log)")
    rate = latency.twinx()
    rate.plot(offered, [s.confirmed_per_s for s in steps], "^--", color="tab:green",
              label="confirmed/s in the window")  # fmt: skip
    rate.plot(offered, offered, ":", color="tab:green", linewidth=1)
    rate.set_ylabel("confirmed sagas/s")
    lines = latency.get_legend_handles_labels()
    more = rate.get_legend_handles_labels()
    latency.legend(lines[0] + more[0], lines[1] + more[1], loc="center left", fontsize=8)
    latency.set_title(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path)
    print(f"chart: {path}")


class CpuMeter:
    """CPU seconds used by each process of the platform between :meth:`start` and :meth:`stop`."""

    def __init__(self, pids: dict[str, int], postmaster: int) -> None:
        self.pids = pids
        self.postmaster = postmaster

    def read(self) -> dict[str, float]:
        used = {name: load.cpu_seconds(pid) for name, pid in self.pids.items()}
        used["postgresql"] = load.children_cpu_seconds(self.postmaster)
        return used

    def report(self, before: dict[str, float], sagas: int) -> None:
        after = self.read()
        per_saga = {name: (after[name] - before[name]) * 1000 / max(1, sagas) for name in after}
        total = sum(per_saga.values())
        parts = ", ".join(f"{name} {ms:.1f}" for name, ms in per_saga.items())
        print(f"  CPU ms per confirmed saga: {parts}; total {total:.1f}")
        print(f"  (two cores at that cost: at most {2000 / total:.0f} sagas/s)")


async def ceiling(client: aiohttp.ClientSession, url: str, rate: float, seconds: float = 3) -> None:
    """The harness's own limit: ``GET /health`` offered at ``rate``, open loop."""
    latencies: list[float] = []

    async def one() -> None:
        start = time.perf_counter()
        async with client.get(f"{url}/health") as r:
            await r.read()
            if r.status == 200:
                latencies.append(time.perf_counter() - start)

    begin = time.perf_counter()
    await paced(one, rate, seconds)
    took = time.perf_counter() - begin
    print(
        f"harness: GET /health offered {rate:.0f}/s: {len(latencies) / took:.0f}/s answered, "
        f"p99 {pct(latencies, 0.99):.0f} ms"
    )


async def overload(
    client: aiohttp.ClientSession,
    probe: Timings,
    url: str,
    *,
    baseline: float,
    seconds: float,
    rate: float | None,
) -> None:
    """Offer ``rate`` (three times ``baseline`` unless given) for ``seconds``; what the platform
    made of it."""
    rate = rate or 3 * baseline
    await ceiling(client, url, 5 * rate)
    begin = time.perf_counter()
    got = await offer(client, url, rate, seconds)
    end = begin + seconds
    confirmed = [
        t
        for (name, _), t in list(probe.at.items())
        if name == "CampanaConfirmada" and begin <= t < end
    ]
    # every admitted saga ends, confirmed or cancelled, within its 30 s deadline and then some
    deadline = time.perf_counter() + 70
    while time.perf_counter() < deadline and any(
        ("CampanaConfirmada", c) not in probe.at and c not in probe.origen for c in got.sent
    ):
        await asyncio.sleep(0.1)
    finished = sum(("CampanaConfirmada", c) in probe.at for c in got.sent)
    by_deadline = sum(probe.origen.get(c) == "plazo" for c in got.sent)
    other = sum(c in probe.origen and probe.origen[c] != "plazo" for c in got.sent)
    open_ = len(got.sent) - finished - by_deadline - other
    offered = int(rate * seconds)
    rate_ok = len(confirmed) / seconds
    print(f"overload: {rate:.0f}/s offered for {seconds:.0f} s ({offered} requests)")
    for status, latencies in sorted(got.answers.items()):
        print(
            f"  {status}: {len(latencies)} answers, POST p50 {pct(latencies, 0.5):.0f} ms, "
            f"p99 {pct(latencies, 0.99):.0f} ms"
        )
    if got.retry_after:
        print(
            f"  Retry-After: median {statistics.median(got.retry_after)} s, "
            f"max {max(got.retry_after)} s"
        )
    share = f"{rate_ok / baseline:.2f}" if baseline else "n/a"
    print(
        f"  confirmed during the window: {rate_ok:.1f}/s = {share} of the "
        f"sustained rate {baseline}/s"
    )
    saga = [
        probe.at[("CampanaConfirmada", c)] - t
        for c, t in got.sent.items()
        if ("CampanaConfirmada", c) in probe.at
    ]
    print(
        f"  admitted sagas, creation to confirmed: p50 {pct(saga, 0.5):.0f} ms, p99 {pct(saga, 0.99):.0f} ms"
    )
    print(
        f"  admitted {len(got.sent)}: {finished} confirmed, {by_deadline} cancelled at their "
        f"deadline, {other} cancelled otherwise, {open_} still open after 70 s"
    )


async def compensation(client: aiohttp.ClientSession, probe: Timings, url: str, marca: str) -> None:
    """Failure to compensated: sagas of an inactive brand, from the rejection to the last
    compensation event."""
    async with client.post(
        f"{marca}/marca/marcas", json={"nombre": "inactiva", "presupuesto_total": 1e9}
    ) as r:
        brand = await r.json()
    async with client.patch(
        f"{marca}/marca/marcas/{brand['id_marca']}", json={"activa": False}
    ) as r:
        await r.read()
    sent = await drive(client, url, 2, 10, id_marca=brand["id_marca"])
    await settle(probe, sent, "TrackingDeshabilitado", 30)
    await settle(probe, sent, "InfluencersLiberados", 30)
    comp = []
    for c in sent:
        failed = probe.at.get((ReservaPresupuestoRechazada.__name__, c))
        ends = [
            probe.at[(e.__name__, c)]
            for e in (InfluencersLiberados, TrackingDeshabilitado)
            if (e.__name__, c) in probe.at
        ]
        if failed is not None and len(ends) == 2:
            comp.append(max(ends) - failed)
    print(
        f"failure -> compensated: {len(comp)}/{len(sent)}, p50 {pct(comp, 0.5):.0f} ms, "
        f"p99 {pct(comp, 0.99):.0f} ms"
    )


async def main(
    rate: float,
    seconds: float,
    ramp: list[float],
    *,
    overload_seconds: float,
    overload_rate: float | None,
    limit: int | None,
    chart: Path | None = None,
    traces: bool = False,
) -> None:
    every: dict[str, str] = {"ALPES_TRACES": "on", "OTEL_TRACES_EXPORTER": "none"} if traces else {}
    print(f"tracing {'on, exporting nowhere' if traces else 'off'}")
    env: dict[str, str] = {} if limit is None else {"SAGA_BACKLOG_LIMIT": str(limit)}
    if not overload_seconds:
        env["SAGA_DEADLINE_SECONDS"] = "60"
    with tempfile.TemporaryDirectory() as d:
        lite = PulsarLite.start(Path(d) / "pulsar")
        pg = EmbeddedPostgres.start(Path(d) / "pg")
        service_env = {name: every | (env if name == "afiliaciones" else {}) for name in SERVICES}
        platform = launch_platform(pg, lite.url, Path(d), service_env=service_env)
        probe = Timings(lite.url, platform.namespace)
        await probe.broker.start()
        connector = aiohttp.TCPConnector(limit=0)  # as an admin (tests.auth's key)
        timeout = aiohttp.ClientTimeout(total=120)
        try:
            async with aiohttp.ClientSession(
                connector=connector, timeout=timeout, headers=ADMIN
            ) as client:
                url = platform.url("afiliaciones")
                await drive(client, url, 2, 3)  # warm-up
                if overload_seconds:
                    best, _ = await highest_sustained(client, probe, url, ramp)
                    await overload(
                        client,
                        probe,
                        url,
                        baseline=best,
                        seconds=overload_seconds,
                        rate=overload_rate,
                    )
                    return
                hop = await hop_baseline(lite.url)
                await ceiling(client, url, 5 * max(150, *ramp))  # 5x the target rate
                assert lite.process is not None
                meter = CpuMeter(
                    {
                        **{n: s.process.pid for n, s in platform.services.items() if s.process},
                        "pulsar-lite": lite.process.pid,
                    },
                    postmaster=load.postmaster(pg),
                )
                before = meter.read()
                sent = await drive(client, url, rate, seconds)
                lat = await settle(probe, sent, "CampanaConfirmada", 30)
                print(f"baseline: one broker hop p50 {hop:.1f} ms")
                print(
                    f"steady {rate}/s for {seconds}s: {len(lat)}/{len(sent)} confirmed, "
                    f"p50 {pct(lat, 0.5):.0f} ms, p99 {pct(lat, 0.99):.0f} ms "
                    f"(p50 = {pct(lat, 0.5) / hop:.1f} hops)"
                )
                meter.report(before, len(lat))
                best, steps = await highest_sustained(client, probe, url, ramp, meter)
                if chart is not None:
                    draw(
                        steps,
                        chart,
                        f"Saga, creation to CampanaConfirmada: sustained {best:.0f}/s "
                        f"(python -m benchmarks.saga, {time.strftime('%Y-%m-%d')})",
                    )
                await compensation(client, probe, url, platform.url("marca"))
        finally:
            await probe.broker.stop()
            for service in platform.services.values():
                service.stop()
            lite.stop()
            pg.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=5)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--ramp", default="5,10,20,40")
    parser.add_argument(
        "--overload", type=float, default=0, metavar="SECONDS",
        help="offer three times the highest sustained rate for SECONDS",
    )  # fmt: skip
    parser.add_argument(
        "--overload-rate", type=float, default=None, help="offer this rate instead of 3x"
    )
    parser.add_argument("--backlog-limit", type=int, default=None, help="SAGA_BACKLOG_LIMIT")
    parser.add_argument("--chart", type=Path, default=None, help="draw the ramp as this PNG")
    parser.add_argument(
        "--traces", action="store_true", help="tracing on, exporting nowhere (ALPES_TRACES=on)"
    )
    args = parser.parse_args()
    asyncio.run(
        main(
            args.rate,
            args.seconds,
            [float(x) for x in args.ramp.split(",")],
            overload_seconds=args.overload,
            overload_rate=args.overload_rate,
            limit=args.backlog_limit,
            chart=args.chart,
            traces=args.traces,
        )
    )
