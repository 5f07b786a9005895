"""What every fault test shares: a platform with fast retries, a client that retries as a careful
user would (the same ``Idempotency-Key``), a steady saga load, the end-state check of every saga
(budgets, capacities, tracking, states, timelines) and the one summary line each test prints.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from afiliaciones_svc.domain.saga import EVENTOS_DE_PARTICIPANTE, SAGA_COMPENSADA
from tests.e2e.api import Api, campaign_body
from tests.e2e.conftest import Platform, ServiceProcess
from tests.helpers import eventually

FAULT_ENV: dict[str, str] = {
    "RETRY_INITIAL_MS": "200",
    "RETRY_MAX_MS": "2000",  # the suite's cap: a returning dependency is seen within ~2 s
    "SAGA_DEADLINE_CHECK_SECONDS": "0.5",
}
"""Environment of every service in the fault suite (the rest are the services' defaults)."""

TERMINAL = ("completada", "compensada")
PARTICIPANT_EVENTS = tuple(EVENTOS_DE_PARTICIPANTE.values())

# what a campaign's participants answer when it is confirmed
CONFIRMED_EVENTS = ("PresupuestoReservado", "InfluencersAsignados", "TrackingHabilitado")


def database_of(service: ServiceProcess) -> str:
    """The name of the service's database (from its ``DATABASE_URL``)."""
    return urlsplit(service.env["DATABASE_URL"]).path.lstrip("/")


def summary(name: str, *, sagas: int, faults: str, checked: str, verdict: Verdict) -> str:
    """Print the test's one summary line, then fail if anything was lost or doubled."""
    line = (
        f"FAULT {name}: sagas={sagas} faults={faults} checked={checked} "
        f"lost={len(verdict.lost)} doubled={len(verdict.doubled)}"
    )
    print(f"\n{line}")
    out = os.environ.get("ALPES_FAULT_SUMMARY")
    if out:
        with Path(out).open("a") as f:
            f.write(line + "\n")
    assert not verdict.lost, "lost:\n" + "\n".join(verdict.lost)
    assert not verdict.doubled, "doubled:\n" + "\n".join(verdict.doubled)
    return line


def _retry_after(response: httpx.Response) -> float:
    value = response.headers.get("retry-after", "")
    try:
        return float(value)
    except ValueError:
        pass
    with contextlib.suppress(TypeError, ValueError):
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    return 0.5


@dataclass
class Started:
    """A saga a client asked for: the request body and the campaign the platform answered."""

    body: dict[str, Any]
    campaign: dict[str, Any]
    cancelled: bool = False  # the client cancelled it

    @property
    def id(self) -> str:
        return str(self.campaign["id"])

    @property
    def id_marca(self) -> str:
        return str(self.body["marca"]["id_marca"])


class FaultApi(Api):
    """The e2e client, plus what a careful client does when the platform is in trouble."""

    def __init__(self, platform: Platform, client: httpx.AsyncClient) -> None:
        super().__init__(platform, client)
        self.retried: Counter[str] = Counter()
        """Why :meth:`send` retried: ``503``, ``503 without Retry-After``, ``500``, ``lost``."""

    async def send(
        self,
        method: str,
        service: str,
        path: str,
        body: Any = None,
        *,
        key: str | None = None,
        timeout: float = 120,
    ) -> httpx.Response:
        """Send; on a 5xx or a lost connection, send the same request again with the same
        ``Idempotency-Key`` after ``Retry-After`` (at most 2 s) until ``timeout``."""
        headers = {"Idempotency-Key": key} if key else {}
        deadline = time.monotonic() + timeout
        last: object = None
        while True:
            try:
                r = await self.http.request(
                    method, self.url(service, path), json=body, headers=headers
                )
                if r.status_code < 500:
                    return r
                last, wait = f"{r.status_code} {r.text[:200]}", min(_retry_after(r), 2.0)
                missing = r.status_code == 503 and "retry-after" not in r.headers
                self.retried[
                    f"{r.status_code} without Retry-After" if missing else str(r.status_code)
                ] += 1
            except httpx.TransportError as exc:
                last, wait = repr(exc), 0.5
                self.retried[f"lost: {type(exc).__name__}"] += 1
            if time.monotonic() > deadline:
                raise AssertionError(f"{method} {path}: no answer in {timeout} s (last: {last})")
            await asyncio.sleep(wait)  # the client's back-off between two attempts

    async def start_saga(self, body: dict[str, Any], timeout: float = 120) -> Started:
        r = await self.send(
            "POST", "afiliaciones", "/afiliaciones/campana", body,
            key=str(uuid.uuid4()), timeout=timeout,
        )  # fmt: skip
        assert r.status_code == 201, r.text
        return Started(body=body, campaign=r.json())

    async def cancel(self, started: Started, timeout: float = 120) -> dict[str, Any]:
        r = await self.send(
            "POST", "afiliaciones", f"/afiliaciones/campana/{started.id}/cancelar",
            {"motivo": "cancelada en la prueba de fallos"}, key=str(uuid.uuid4()), timeout=timeout,
        )  # fmt: skip
        assert r.status_code == 200, r.text
        started.cancelled = True
        return r.json()  # type: ignore[no-any-return]

    async def ready(self, service: str) -> int:
        try:
            return (await self.http.get(self.url(service, "/ready"), timeout=5)).status_code
        except httpx.TransportError:
            return 0

    async def wait_ready(self, service: str, status: int, timeout: float = 15) -> None:
        async def reached() -> bool:
            return await self.ready(service) == status

        message = f"{service} /ready {status}"
        await eventually(reached, timeout=timeout, interval=0.2, message=message)

    async def stats(self) -> dict[str, Any]:
        r = await self.get("afiliaciones", "/afiliaciones/sagas/estadisticas")
        assert r.status_code == 200, r.text
        return r.json()  # type: ignore[no-any-return]

    async def saga_states(self) -> dict[str, str]:
        """id_campana -> estado_saga of every saga of the platform."""
        states: dict[str, str] = {}
        offset = 0
        while True:
            r = await self.get(
                "afiliaciones", "/afiliaciones/sagas", params={"limit": 500, "offset": offset}
            )
            assert r.status_code == 200, r.text
            page = r.json()["sagas"]
            states.update({s["id_campana"]: s["estado_saga"] for s in page})
            if len(page) < 500:
                return states
            offset += 500

    async def wait_terminal(
        self, sagas: list[Started], timeout: float, *, compensated: bool = False
    ) -> dict[str, str]:
        """Wait until every saga is terminal (``compensada`` when ``compensated``)."""
        wanted = ("compensada",) if compensated else TERMINAL

        pending: dict[str, str | None] = {}

        async def all_terminal() -> dict[str, str] | None:
            states = await self.saga_states()
            pending.clear()
            pending.update(
                {s.id: states.get(s.id) for s in sagas if states.get(s.id) not in wanted}
            )
            return None if pending else states

        try:
            return await eventually(all_terminal, timeout=timeout, interval=0.5)
        except AssertionError:
            raise AssertionError(
                f"{len(pending)} of {len(sagas)} sagas not {'/'.join(wanted)} "
                f"within {timeout} s: {Counter(pending.values())}"
            ) from None

    async def influencers_named(self, nombre: str) -> list[dict[str, Any]]:
        r = await self.get("influencer", "/influencer/influencers", params={"nombre": nombre})
        assert r.status_code == 200, r.text
        return [i for i in r.json()["influencers"] if i["nombre"] == nombre]

    async def dead_letters(self, *args: str) -> str:
        """``alpes dead-letters ARGS`` against the platform's broker and namespace: its output."""
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "alpes.cli", "dead-letters", *args,
            env={**os.environ, "PULSAR_URL": self.p.broker_url, "TOPIC_NAMESPACE": self.p.namespace},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await asyncio.wait_for(proc.communicate(), 120)
        assert proc.returncode == 0, (
            f"alpes dead-letters {' '.join(args)} exited {proc.returncode}:\n"
            f"{out.decode(errors='replace')}\n{err.decode(errors='replace')[-3000:]}"
        )
        return out.decode(errors="replace")

    async def dead_letter_list(self, service: str) -> list[dict[str, Any]]:
        """``alpes dead-letters list --service S --json``: the service's dead letters."""
        out = await self.dead_letters("list", "--service", service, "--json")
        # the JSON objects (the broker client may log lines of its own on the same stream)
        return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


@dataclass
class Verdict:
    """What the end-state check found: sagas checked, end states, and what was lost or doubled."""

    checked: int = 0
    states: Counter[str] = field(default_factory=Counter)
    lost: list[str] = field(default_factory=list)
    doubled: list[str] = field(default_factory=list)

    def merge(self, other: Verdict) -> None:
        self.checked += other.checked
        self.states.update(other.states)
        self.lost += other.lost
        self.doubled += other.doubled

    def expect(self, what: str, actual: float, expected: float) -> None:
        """A count or amount: above ``expected`` is doubled, below it is lost."""
        _compare(self, what, actual, expected)

    @property
    def figures(self) -> str:
        return "+".join(f"{n}-{s}" for s, n in sorted(self.states.items()))


def _compare(v: Verdict, what: str, actual: float, expected: float) -> None:
    if actual > expected:
        v.doubled.append(f"{what}: {actual} (expected {expected})")
    elif actual < expected:
        v.lost.append(f"{what}: {actual} (expected {expected})")


async def check_saga(api: FaultApi, started: Started) -> Verdict:
    """The end state a user would check for one saga, each wrong figure classed as lost (an
    effect missing, money stranded) or doubled (an effect applied more than once)."""
    v = Verdict(checked=1)
    tag = f"campana {started.id}"
    saga = await api.saga(started.id)
    estado = saga["estado_saga"]
    v.states[estado] += 1
    if estado not in TERMINAL:
        v.lost.append(f"{tag}: saga {estado}")
        return v
    if started.cancelled and estado != "compensada":
        v.lost.append(f"{tag}: cancelled by the client but the saga is {estado}")
    completed = estado == "completada"
    expected_campaign = "confirmada" if completed else "cancelada"
    if saga["estado_campana"] != expected_campaign:
        v.lost.append(f"{tag}: campaign {saga['estado_campana']}, saga {estado}")
    _check_timeline(v, tag, saga, completed)
    # one campaign per request (the brand is the saga's own)
    r = await api.get(
        "afiliaciones", "/afiliaciones/campanas", params={"id_marca": started.id_marca}
    )
    assert r.status_code == 200, r.text
    _compare(v, f"{tag}: campaigns of its brand", r.json()["total"], 1)
    await _check_brand(api, v, tag, started, completed)
    await _check_influencers(api, v, tag, started, completed)
    await _check_tracking(api, v, tag, started, completed)
    return v


def _check_timeline(v: Verdict, tag: str, saga: dict[str, Any], completed: bool) -> None:
    """Every participant answered once at most; a completed saga has each success."""
    eventos = Counter(e["evento"] for e in saga["linea_de_tiempo"])
    for name in (*PARTICIPANT_EVENTS, "CampanaConfirmada", SAGA_COMPENSADA):
        if eventos[name] > 1:
            v.doubled.append(f"{tag}: {name} {eventos[name]} times in the timeline")
    if completed:
        for name in (*CONFIRMED_EVENTS, "CampanaConfirmada"):
            if eventos[name] == 0:
                v.lost.append(f"{tag}: no {name} in the timeline of a completed saga")
    elif eventos[SAGA_COMPENSADA] == 0:
        v.lost.append(f"{tag}: no {SAGA_COMPENSADA} in the timeline")


async def _check_brand(
    api: FaultApi, v: Verdict, tag: str, started: Started, completed: bool
) -> None:
    """The brand's budget reserved exactly while confirmed, released after; one record."""
    r = await api.get("marca", f"/marca/marcas/{started.id_marca}")
    if r.status_code == 404 and not completed:
        return  # marca saw the cancellation first and never touched the brand
    assert r.status_code == 200, r.text
    reserved = float(r.json()["presupuesto_reservado"])
    expected = float(started.body["presupuesto"]) if completed else 0.0
    _compare(v, f"{tag}: brand reserved", reserved, expected)
    r = await api.get("marca", f"/marca/marcas/{started.id_marca}/campanas")
    assert r.status_code == 200, r.text
    records = [c for c in r.json()["campanas"] if c["id_campana"] == started.id]
    if len(records) > 1:
        v.doubled.append(f"{tag}: marca recorded it {len(records)} times")
    elif completed and not records:
        v.lost.append(f"{tag}: marca has no record of a confirmed campaign")


async def _check_influencers(
    api: FaultApi, v: Verdict, tag: str, started: Started, completed: bool
) -> None:
    """Each of its influencers holds one assignment while confirmed, none after."""
    for influencer in started.body["influencers"]:
        found = await api.influencers_named(influencer["nombre"])
        if len(found) > 1:
            v.doubled.append(f"{tag}: influencer {influencer['nombre']} registered {len(found)}x")
        activas = found[0]["campanas_activas"] if found else 0
        expected = 1 if completed else 0
        _compare(v, f"{tag}: {influencer['nombre']} campanas_activas", activas, expected)


async def _check_tracking(
    api: FaultApi, v: Verdict, tag: str, started: Started, completed: bool
) -> None:
    """Tracking active with one code per influencer while confirmed; nothing active after."""
    r = await api.get("tracking", f"/tracking/metricas/{started.id}")
    if r.status_code == 404 and not completed:
        return  # tracking saw the cancellation first: nothing provisioned
    assert r.status_code == 200, r.text
    metricas = r.json()
    codes = metricas["por_influencer"]
    active = sum(1 for c in codes if c["activo"])
    if completed:
        if metricas["estado"] != "activa":
            v.lost.append(f"{tag}: tracking {metricas['estado']} for a confirmed campaign")
        _compare(v, f"{tag}: tracking codes", len(codes), len(started.body["influencers"]))
        _compare(v, f"{tag}: active codes", active, len(started.body["influencers"]))
        return
    if metricas["estado"] == "activa":
        v.lost.append(f"{tag}: tracking still activa for a cancelled campaign")
    if active:
        v.lost.append(f"{tag}: {active} codes still active for a cancelled campaign")


async def check_sagas(api: FaultApi, sagas: list[Started]) -> Verdict:
    verdict = Verdict()
    for chunk in range(0, len(sagas), 10):
        for v in await asyncio.gather(*(check_saga(api, s) for s in sagas[chunk : chunk + 10])):
            verdict.merge(v)
    return verdict


async def check_sagas_and_stats(api: FaultApi, sagas: list[Started]) -> Verdict:
    """``check_sagas``, then ``check_stats`` into the same verdict."""
    verdict = await check_sagas(api, sagas)
    await check_stats(api, sagas, verdict)
    return verdict


async def check_stats(api: FaultApi, sagas: list[Started], verdict: Verdict) -> None:
    """The platform's own count agrees: exactly these sagas, all terminal (fresh database)."""
    stats = await api.stats()
    _compare(verdict, "sagas counted by estadisticas", stats["total"], len(sagas))
    for pending in ("en_progreso", "compensando"):
        if stats[pending]:
            verdict.lost.append(f"estadisticas: {stats[pending]} {pending}")
    if stats.get("atascadas"):
        verdict.lost.append(f"estadisticas: {stats['atascadas']} atascadas")


async def load_summary(
    api: FaultApi,
    name: str,
    sagas: list[Started],
    recovered_in: float,
    *,
    faults: str,
    also_checked: tuple[str, ...] = (),
) -> None:
    """``check_sagas_and_stats`` of the sagas a :class:`SagaLoad` started, then the test's
    summary line (``recovered_in``: how long after the load's end the last saga was terminal)."""
    verdict = await check_sagas_and_stats(api, sagas)
    checked = (
        verdict.figures,
        "budgets+capacities+tracking+timelines",
        "one-campaign-per-request",
        "estadisticas",
        *also_checked,
        f"terminal-{recovered_in:.0f}s-after-load",
    )
    summary(name, sagas=len(sagas), faults=faults, checked=",".join(checked), verdict=verdict)


class SagaLoad:
    """A steady stream of new sagas (one brand and two influencers each), as clients send them:
    each request retried with its own ``Idempotency-Key`` until the platform answers 201."""

    def __init__(self, api: FaultApi, per_second: float) -> None:
        self.api = api
        self.interval = 1 / per_second
        self.started: list[Started] = []
        self.requests: list[asyncio.Task[Started]] = []
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @classmethod
    async def warmed_up(cls, api: FaultApi, per_second: float, warm_up: float = 3) -> SagaLoad:
        """A load already running for ``warm_up`` seconds (the platform busy before a fault)."""
        load = cls(api, per_second)
        load.start()
        await load.run_for(warm_up)
        return load

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while not self._stop.is_set():
            body = campaign_body(id_marca=f"fault-{uuid.uuid4()}", presupuesto=1000)
            self.requests.append(asyncio.create_task(self.api.start_saga(body, timeout=180)))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.interval)  # the load's pace

    async def stop(self) -> list[Started]:
        """Stop sending; every request sent gets its answer (or the test fails)."""
        self._stop.set()
        assert self._task is not None
        await self._task
        self.started = list(await asyncio.gather(*self.requests))
        return self.started

    async def run_for(self, seconds: float) -> None:
        await asyncio.sleep(seconds)  # the load runs meanwhile; this is its length, not a wait

    async def settle(self, timeout: float) -> tuple[list[Started], float]:
        """Stop the load; every saga it started reaches a terminal state within ``timeout``.
        The sagas, and how long after the load's end the last one got there."""
        sagas = await self.stop()
        stopped_at = time.monotonic()
        await self.api.wait_terminal(sagas, timeout=timeout)
        return sagas, time.monotonic() - stopped_at
