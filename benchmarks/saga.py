"""Saga latency and throughput with all four services, pulsar-lite and embedded PostgreSQL.

    python -m benchmarks.saga [--rate 5] [--seconds 20] [--ramp 5,10,20,40]

1. Latency at a steady rate: from sending ``POST /afiliaciones/campana`` to seeing the
   saga's ``CampanaConfirmada`` on the broker (a probe subscription), p50/p99.
2. The highest sustained rate: offered rates in turn; sustained when >= 95 % of the
   sagas confirm within the window plus 5 s and p99 stays under 1 s.
3. Failure to compensated: sagas whose brand is inactive; from the broker's delivery of
   ``ReservaPresupuestoRechazada`` to the last compensation event seen.
Baseline in the same run: one broker hop (publish -> a subscriber's handler), p50.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from alpes.infra import EmbeddedPostgres, PulsarLite
from contracts import InfluencersLiberados, ReservaPresupuestoRechazada, TrackingDeshabilitado
from faststream_pulsar import PulsarBroker
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

    async def _collect(self, event: Any) -> None:
        self.at.setdefault((type(event).__name__, event.id_campana), time.perf_counter())


async def drive(
    client: httpx.AsyncClient, url: str, rate: float, seconds: float, **body: Any
) -> dict[str, float]:
    sent: dict[str, float] = {}

    async def one() -> None:
        start = time.perf_counter()
        r = await client.post(f"{url}/afiliaciones/campana", json=campaign_body(**body))
        if r.status_code == 201:
            sent[r.json()["id"]] = start

    tasks = []
    begin = time.perf_counter()
    for i in range(int(rate * seconds)):
        await asyncio.sleep(max(0.0, begin + i / rate - time.perf_counter()))  # pacing, not waiting
        tasks.append(asyncio.create_task(one()))
    await asyncio.gather(*tasks)
    return sent


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


async def main(rate: float, seconds: float, ramp: list[float]) -> None:
    with tempfile.TemporaryDirectory() as d:
        lite = PulsarLite.start(Path(d) / "pulsar")
        pg = EmbeddedPostgres.start(Path(d) / "pg")
        platform = launch_platform(pg, lite.url, Path(d), SAGA_DEADLINE_SECONDS="60")
        probe = Timings(lite.url, platform.namespace)
        await probe.broker.start()
        try:
            async with httpx.AsyncClient(timeout=60) as client:
                url = platform.url("afiliaciones")
                hop = await hop_baseline(lite.url)
                await drive(client, url, 2, 3)  # warm-up
                sent = await drive(client, url, rate, seconds)
                lat = await settle(probe, sent, "CampanaConfirmada", 30)
                print(f"baseline: one broker hop p50 {hop:.1f} ms")
                print(
                    f"steady {rate}/s for {seconds}s: {len(lat)}/{len(sent)} confirmed, "
                    f"p50 {pct(lat, 0.5):.0f} ms, p99 {pct(lat, 0.99):.0f} ms "
                    f"(p50 = {pct(lat, 0.5) / hop:.1f} hops)"
                )
                best = 0.0
                for offered in ramp:
                    sent = await drive(client, url, offered, 10)
                    lat = await settle(probe, sent, "CampanaConfirmada", 5)
                    ok = len(lat) >= 0.95 * len(sent) and pct(lat, 0.99) < 1000
                    print(
                        f"ramp {offered}/s: {len(lat)}/{len(sent)} confirmed, p99 {pct(lat, 0.99):.0f} ms"
                        f" -> {'sustained' if ok else 'not sustained'}"
                    )
                    if not ok:
                        break
                    best = offered
                print(f"highest sustained rate: {best}/s")
                brand = (
                    await client.post(
                        f"{platform.url('marca')}/marca/marcas",
                        json={"nombre": "inactiva", "presupuesto_total": 1e9},
                    )
                ).json()
                await client.patch(
                    f"{platform.url('marca')}/marca/marcas/{brand['id_marca']}",
                    json={"activa": False},
                )
                sent = await drive(client, url, 2, 10, id_marca=brand["id_marca"])
                await settle(probe, sent, "TrackingDeshabilitado", 30)
                await settle(probe, sent, "InfluencersLiberados", 30)
                comp = []
                for c in sent:
                    failed = probe.at.get((ReservaPresupuestoRechazada.__name__, c))
                    ends = [
                        probe.at.get((e.__name__, c))
                        for e in (InfluencersLiberados, TrackingDeshabilitado)
                    ]
                    if failed and all(ends):
                        comp.append(max(ends) - failed)  # type: ignore[type-var]
                print(
                    f"failure -> compensated: {len(comp)}/{len(sent)}, p50 {pct(comp, 0.5):.0f} ms, "
                    f"p99 {pct(comp, 0.99):.0f} ms"
                )
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
    args = parser.parse_args()
    asyncio.run(main(args.rate, args.seconds, [float(x) for x in args.ramp.split(",")]))
