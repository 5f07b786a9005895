"""``alpes demo``: a scripted tour of a running platform, drawn in the terminal.

Against the four services' HTTP APIs (``alpes dev``'s ports unless told otherwise), as a user
and a tracker would drive them:

1. a campaign that succeeds: the saga reaches ``completada``, the campaign ``confirmada``;
2. one the budget refuses: a brand registered with less budget than the campaign asks for;
   marca rejects the reservation (``ReservaPresupuestoRechazada``), the campaign is
   ``cancelada`` and the saga ``compensada``;
3. one cancelled by the user once confirmed: every participant compensates;
4. a burst of tracking traffic for the first campaign, in batches, then its metrics, which
   must count exactly what was sent.

Each saga is drawn as a timeline (``GET /afiliaciones/campana/{id}/saga``: each event's
offset from the first, its service, compensations and refusals marked), then a summary
table. The exit code is 0 when every step behaved as expected, 1 when one did not, 2 when the
platform could not be reached or refused the credentials.

The token: ``--token``, else ``ALPES_TOKEN``, else one signed with ``AUTH_HS256_SECRET``, else
with the development key in ``--data-dir`` (``alpes dev``'s) when it exists; without any, no
token is sent (a platform run with ``alpes dev --no-auth``).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from rich.console import Console, Group
from rich.panel import Panel
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from .settings import SERVICES

if TYPE_CHECKING:
    import httpx  # the dev-infra extra's, imported when the tour runs (the services need none)

T = TypeVar("T")

LANES = ("afiliaciones", "marca", "influencer", "tracking")
"""The services, in the order the timeline names them."""

COMPENSATIONS = frozenset({"PresupuestoLiberado", "InfluencersLiberados", "TrackingDeshabilitado"})
REFUSALS = frozenset(
    {
        "ReservaPresupuestoRechazada",
        "AsignacionInfluencersRechazada",
        "HabilitacionTrackingRechazada",
    }
)
CANCELLATIONS = frozenset({"CampanaCancelada", "SagaCompensada", "CancelacionReenviada"})

EVENT_MIX: tuple[tuple[str, int], ...] = (
    ("vista", 12),
    ("clic", 5),
    ("conversion", 2),
    ("engagement", 1),
)
"""Of every 20 tracking events of the burst, how many of each type."""
CONVERSION_VALUE = 49.5
"""``valor_compra`` of each conversion of the burst."""
BATCH = 100
"""Events per ``POST /tracking/eventos`` of the burst."""
EXIT_OK, EXIT_FAILED, EXIT_UNREACHABLE = 0, 1, 2


class DemoError(Exception):
    """The platform answered something the tour cannot go on from."""


class Unreachable(DemoError):
    """A service did not answer, or refused the credentials (exit code 2)."""


@dataclass
class Outcome:
    """One step of the tour: what was expected, what was seen."""

    step: str
    expected: str
    observed: str = "-"
    ok: bool = False
    seconds: float = 0.0
    id_campana: str | None = None
    detail: str = ""


@dataclass
class Demo:
    """The tour against one platform; :meth:`run` is the whole of it."""

    client: httpx.AsyncClient
    urls: Mapping[str, str]
    console: Console
    events: int = 300
    saga_timeout: float = 60.0
    tag: str = field(default_factory=lambda: uuid.uuid4().hex[:6])
    outcomes: list[Outcome] = field(default_factory=list)
    confirmed_campaign: str | None = None
    """The campaign of the first step, once confirmed: the burst's."""
    _progress: Progress | None = None

    @property
    def bar(self) -> Progress:
        """The live progress display of :meth:`run`."""
        assert self._progress is not None, "only while the tour runs"
        return self._progress

    # --- HTTP ---

    def url(self, service: str, path: str) -> str:
        return f"{self.urls[service].rstrip('/')}{path}"

    async def call(
        self, method: str, service: str, path: str, *, expect: int = 200, **kw: Any
    ) -> Any:
        """The JSON answer of a request that must be answered ``expect``."""
        r = await self.client.request(method, self.url(service, path), **kw)
        if r.status_code in (401, 403):
            raise Unreachable(f"{service} refused the credentials ({r.status_code}): {r.text}")
        if r.status_code != expect:
            raise DemoError(f"{method} {service}{path}: {r.status_code} {r.text[:300]}")
        return r.json() if r.content else None

    # --- the tour ---

    async def run(self) -> int:
        """Every step; the exit code."""
        import httpx

        try:
            await self.preflight()
        except (Unreachable, httpx.HTTPError) as exc:
            self.console.print(f"[bold red]The platform is not ready:[/] {exc}")
            return EXIT_UNREACHABLE
        steps: list[tuple[str, Callable[[], Awaitable[Outcome]]]] = [
            ("a campaign that succeeds", self.confirmed),
            ("a campaign the budget refuses", self.refused_by_budget),
            ("a campaign cancelled by the user", self.cancelled_by_user),
            ("a burst of tracking traffic", self.tracking_burst),
        ]
        with self.progress() as progress:
            self._progress = progress
            tour = progress.add_task("[bold]tour", total=len(steps))
            for title, step in steps:
                progress.update(tour, description=f"[bold]{title}")
                started = time.monotonic()
                try:
                    outcome = await step()
                except Unreachable as exc:
                    self.console.print(f"[bold red]The platform refused the tour:[/] {exc}")
                    return EXIT_UNREACHABLE
                except (DemoError, httpx.HTTPError, TimeoutError) as exc:
                    outcome = Outcome(title, "-", observed=f"error: {exc}", ok=False)
                outcome.seconds = time.monotonic() - started
                self.outcomes.append(outcome)
                progress.advance(tour)
            progress.update(tour, description="[bold]tour done")
        self.console.print(self.summary())
        failed = [o.step for o in self.outcomes if not o.ok]
        if failed:
            self.console.print(f"[bold red]{len(failed)} step(s) did not behave:[/] {failed}")
            return EXIT_FAILED
        self.console.print("[bold green]Every step behaved as expected.[/]")
        return EXIT_OK

    def progress(self) -> Progress:
        return Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
        )

    async def preflight(self) -> None:
        """Every service ready, and the credentials accepted."""
        for name in LANES:
            r = await self.client.get(self.url(name, "/ready"), timeout=5)
            if r.status_code != 200:
                raise Unreachable(f"{name} at {self.urls[name]} is not ready ({r.status_code})")
        await self.call("GET", "marca", "/marca/marcas", params={"limit": 1})

    async def confirmed(self) -> Outcome:
        outcome = Outcome("confirmed", "saga completada, campaign confirmada")
        brand = await self.brand(100_000)
        campaign = await self.create_campaign(brand, 15_000, "Verano")
        outcome.id_campana = campaign["id"]
        saga = await self.saga_until(campaign["id"], {"completada", "compensada"})
        outcome.observed = f"saga {saga['estado_saga']}, campaign {saga['estado_campana']}"
        outcome.ok = (saga["estado_saga"], saga["estado_campana"]) == ("completada", "confirmada")
        if outcome.ok:
            self.confirmed_campaign = campaign["id"]
        return outcome

    async def refused_by_budget(self) -> Outcome:
        outcome = Outcome(
            "refused by the budget",
            "reservation rechazada by marca, campaign cancelada, saga compensada",
        )
        brand = await self.brand(1_000)
        campaign = await self.create_campaign(brand, 15_000, "Sin presupuesto")
        outcome.id_campana = campaign["id"]
        saga = await self.saga_until(campaign["id"], {"completada", "compensada"})
        refusal = next(
            (e for e in saga["linea_de_tiempo"] if e["evento"] == "ReservaPresupuestoRechazada"),
            None,
        )
        reservation = await self.reservation(brand, campaign["id"])
        outcome.observed = (
            f"reservation {reservation}, campaign {saga['estado_campana']}, "
            f"saga {saga['estado_saga']}"
        )
        outcome.detail = (refusal or {}).get("motivo") or ""
        outcome.ok = (
            refusal is not None
            and reservation == "rechazada"
            and (saga["estado_saga"], saga["estado_campana"]) == ("compensada", "cancelada")
        )
        return outcome

    async def cancelled_by_user(self) -> Outcome:
        outcome = Outcome(
            "cancelled by the user",
            "confirmada, then cancelada by the user and compensada",
        )
        brand = await self.brand(100_000)
        campaign = await self.create_campaign(brand, 8_000, "Cambio de planes")
        outcome.id_campana = campaign["id"]
        await self.saga_until(campaign["id"], {"completada", "compensada"}, draw=False)
        await self.call(
            "POST",
            "afiliaciones",
            f"/afiliaciones/campana/{campaign['id']}/cancelar",
            json={"motivo": "el usuario cambio de planes"},
        )
        saga = await self.saga_until(campaign["id"], {"compensada"})
        eventos = [e["evento"] for e in saga["linea_de_tiempo"]]
        by_user = saga.get("origen_cancelacion") == "usuario"
        compensated = set(eventos) >= COMPENSATIONS
        outcome.observed = (
            f"campaign {saga['estado_campana']} by {saga.get('origen_cancelacion')}, "
            f"saga {saga['estado_saga']}, {sum(e in COMPENSATIONS for e in eventos)} compensations"
        )
        outcome.ok = (
            "CampanaConfirmada" in eventos
            and by_user
            and compensated
            and (saga["estado_saga"], saga["estado_campana"]) == ("compensada", "cancelada")
        )
        return outcome

    async def tracking_burst(self) -> Outcome:
        outcome = Outcome("tracking burst", f"{self.events} events counted in the metrics")
        id_campana = self.confirmed_campaign
        if id_campana is None:
            outcome.observed = "no confirmed campaign to track"
            return outcome
        outcome.id_campana = id_campana
        codes = await self.call("GET", "tracking", f"/tracking/campanas/{id_campana}/codigos")
        codes = codes["codigos"] if isinstance(codes, dict) else codes
        events = burst(id_campana, [c["codigo"] for c in codes], self.events)
        task = self.bar.add_task("  tracking events", total=len(events))
        started = time.monotonic()
        for i in range(0, len(events), BATCH):
            await self.post_batch(events[i : i + BATCH])
            self.bar.advance(task, len(events[i : i + BATCH]))
        elapsed = time.monotonic() - started
        expected = expected_counts(events)
        metrics = await self.call("GET", "tracking", f"/tracking/metricas/{id_campana}")
        seen = {k: metrics[k] for k in expected}
        rate = len(events) / elapsed if elapsed > 0 else float("inf")
        self.console.print(metrics_table(metrics, expected, rate))
        outcome.observed = ", ".join(f"{k} {v:g}" for k, v in seen.items())
        outcome.ok = all(abs(float(seen[k]) - v) < 1e-6 for k, v in expected.items())
        outcome.detail = f"{rate:,.0f} events/s"
        return outcome

    # --- steps' parts ---

    async def brand(self, presupuesto_total: float) -> str:
        body = {"nombre": f"Demo {self.tag} ({presupuesto_total:,.0f})", "presupuesto_total": float(presupuesto_total)}  # fmt: skip
        created = await self.call("POST", "marca", "/marca/marcas", expect=201, json=body)
        return str(created["id_marca"])

    async def create_campaign(self, id_marca: str, presupuesto: float, nombre: str) -> Any:
        start = datetime.now(UTC).replace(microsecond=0)
        body = {
            "nombre": f"{nombre} {self.tag}",
            "descripcion": "alpes demo",
            "tipo": "influencer",
            "fecha_inicio": start.isoformat(),
            "fecha_fin": (start + timedelta(days=30)).isoformat(),
            "presupuesto": float(presupuesto),
            "marca": {"id_marca": id_marca, "nombre_marca": f"Demo {self.tag}"},
            "influencers": [
                {"nombre": f"Ana Garcia {nombre} {self.tag}", "plataforma": "Instagram",
                 "seguidores": 150_000, "categoria": "Fitness"},
                {"nombre": f"Carlos Lopez {nombre} {self.tag}", "plataforma": "TikTok",
                 "seguidores": 300_000, "categoria": "Lifestyle"},
            ],
        }  # fmt: skip
        return await self.call(
            "POST", "afiliaciones", "/afiliaciones/campana", expect=201, json=body
        )

    async def reservation(self, id_marca: str, id_campana: str) -> str:
        """What marca holds for the campaign: reservada, rechazada, liberada..."""
        page = await self.call("GET", "marca", f"/marca/marcas/{id_marca}/campanas")
        for row in page["campanas"]:
            if row["id_campana"] == id_campana:
                return str(row["estado"])
        return "none"

    async def saga_until(
        self, id_campana: str, states: set[str], *, draw: bool = True
    ) -> dict[str, Any]:
        """The campaign's saga once it is in one of ``states`` (polled), drawn if ``draw``."""
        path = f"/afiliaciones/campana/{id_campana}/saga"
        task = self.bar.add_task(f"  saga of {id_campana[:8]}", total=None)

        async def reached() -> dict[str, Any] | None:
            saga: dict[str, Any] = await self.call("GET", "afiliaciones", path)
            self.bar.update(task, description=f"  saga of {id_campana[:8]}: {saga['estado_saga']}")
            return saga if saga["estado_saga"] in states else None

        try:
            saga = await poll(reached, self.saga_timeout, f"saga of {id_campana} in {states}")
        finally:
            self.bar.remove_task(task)
        if draw:
            self.console.print(timeline(saga))
        return saga

    async def post_batch(self, events: list[dict[str, Any]]) -> None:
        """One batch, again after ``Retry-After`` while the service says it is too many."""
        while True:
            r = await self.client.post(
                self.url("tracking", "/tracking/eventos"), json={"eventos": events}
            )
            if r.status_code == 429:
                await asyncio.sleep(float(r.headers.get("Retry-After", "1")))
                continue
            if r.status_code in (401, 403):
                raise Unreachable(f"tracking refused the credentials ({r.status_code})")
            if r.status_code != 201:
                raise DemoError(f"POST tracking/tracking/eventos: {r.status_code} {r.text[:300]}")
            return

    def summary(self) -> Table:
        table = Table(title="alpes demo: summary", title_style="bold", show_lines=False)
        for column in ("step", "campaign", "expected", "observed", "time", ""):
            table.add_column(column, overflow="fold")
        for o in self.outcomes:
            observed = Text(o.observed)
            if o.detail:
                observed.append(f"\n{o.detail}", style="dim")
            table.add_row(
                o.step,
                (o.id_campana or "-")[:8],
                o.expected,
                observed,
                f"{o.seconds:.1f} s",
                Text("ok", style="bold green") if o.ok else Text("FAILED", style="bold red"),
            )
        return table


# --- drawing ---


def timeline(saga: Mapping[str, Any], width: int = 28) -> Panel:
    """The saga as a picture: one row per event, its offset from the first and a mark on a
    time axis, its service, compensations and refusals marked, the reason of a failure."""
    entries = sorted(saga["linea_de_tiempo"], key=lambda e: e["ocurrido_en"])
    times = [datetime.fromisoformat(e["ocurrido_en"]) for e in entries]
    t0 = times[0] if times else datetime.now(UTC)
    total = max(((t - t0).total_seconds() for t in times), default=0.0) or 1.0
    table = Table(box=None, pad_edge=False, show_header=True, header_style="dim")
    table.add_column("+s", justify="right")
    table.add_column("timeline", no_wrap=True)
    table.add_column("service", no_wrap=True)
    table.add_column("event", no_wrap=True)
    table.add_column("", overflow="fold")
    for entry, when in zip(entries, times, strict=True):
        offset = (when - t0).total_seconds()
        style, mark = _style(entry["evento"])
        at = round(offset / total * (width - 1))
        axis = Text("─" * at, style="dim")
        axis.append("●", style=style or "bold")
        axis.append("─" * (width - 1 - at), style="dim")
        table.add_row(
            f"{offset:.3f}",
            axis,
            Text(entry["origen"], style=_lane_style(entry["origen"])),
            Text(f"{mark} {entry['evento']}".strip(), style=style),
            Text(entry.get("motivo") or "", style="italic"),
        )
    state = f"{saga['estado_saga']} / {saga['estado_campana']}"
    ok = saga["estado_saga"] == "completada"
    title = f"saga of {saga['nombre']} ({saga['id_campana'][:8]}): {state}, {total:.2f} s"
    legend = Text("✓ step done   ✗ refused   ↺ compensation   ■ cancellation", style="dim")
    return Panel(
        Group(table, legend),
        title=title,
        title_align="left",
        border_style="green" if ok else "yellow",
        expand=False,
    )


def _style(evento: str) -> tuple[str, str]:
    if evento in REFUSALS:
        return "bold red", "✗"
    if evento in COMPENSATIONS:
        return "yellow", "↺"
    if evento in CANCELLATIONS:
        return "magenta", "■"
    return "green", "✓"


def _lane_style(origen: str) -> str:
    return {"afiliaciones": "cyan", "marca": "yellow", "influencer": "magenta",
            "tracking": "green"}.get(origen, "bold white")  # fmt: skip


def metrics_table(metrics: Mapping[str, Any], expected: Mapping[str, float], rate: float) -> Table:
    table = Table(title=f"tracking metrics of {metrics['id_campana'][:8]} ({rate:,.0f} events/s)")
    table.add_column("counter")
    table.add_column("sent", justify="right")
    table.add_column("counted", justify="right")
    for key, sent in expected.items():
        counted = float(metrics[key])
        style = "green" if abs(counted - sent) < 1e-6 else "bold red"
        table.add_row(key, f"{sent:g}", Text(f"{counted:g}", style=style))
    for influencer in metrics.get("por_influencer", []):
        table.add_row(
            Text(f"  {influencer['nombre']} ({influencer['codigo']})", style="dim"),
            "",
            Text(f"{influencer['total_eventos']} events", style="dim"),
        )
    return table


# --- the burst ---


def burst(id_campana: str, codes: Sequence[str], n: int) -> list[dict[str, Any]]:
    """``n`` tracking events for the campaign in ``EVENT_MIX``'s proportions, each with an
    ``id_evento`` (a retried batch counts once), spread over the influencers' codes."""
    kinds = [kind for kind, count in EVENT_MIX for _ in range(count)]
    events = []
    for i in range(n):
        kind = kinds[i % len(kinds)]
        event: dict[str, Any] = {
            "id_campana": id_campana,
            "tipo_evento": kind,
            "id_evento": str(uuid.uuid4()),
            "datos": {"usuario": f"demo-{i % 37}"},
        }
        if codes:
            event["codigo"] = codes[i % len(codes)]
        if kind == "conversion":
            event["datos"]["valor_compra"] = CONVERSION_VALUE
        events.append(event)
    return events


def expected_counts(events: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """What the campaign's metrics must say after ``events`` (none of them counted before)."""
    kinds = [e["tipo_evento"] for e in events]
    return {
        "vistas": kinds.count("vista"),
        "clics": kinds.count("clic"),
        "conversiones": kinds.count("conversion"),
        "engagement": kinds.count("engagement"),
        "valor_conversiones": sum(
            float(e["datos"].get("valor_compra", 0))
            for e in events
            if e["tipo_evento"] == "conversion"
        ),
        "total_eventos": len(events),
    }


async def poll(probe: Callable[[], Awaitable[T | None]], timeout: float, what: str) -> T:
    """``probe()``'s first answer that is not None, asked every 100 ms for ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        found = await probe()
        if found is not None:
            return found
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout:g} s")
        await asyncio.sleep(0.1)


# --- the command ---


def default_urls() -> dict[str, str]:
    """``ALPES_<SERVICE>_URL``, else the service's port on localhost (``alpes dev``)."""
    return {
        name: os.environ.get(f"ALPES_{name.upper()}_URL", f"http://localhost:{port}")
        for name, port in SERVICES.items()
    }


def resolve_token(token: str | None, data_dir: Path) -> str | None:
    """The bearer token of the tour (see the module's docstring); None: send none."""
    if token:
        return token
    if env := os.environ.get("ALPES_TOKEN"):
        return env
    from .auth import DEV_KEY_FILE, Role, dev_key, issue
    from .settings import Settings

    settings = Settings()
    key = settings.auth_hs256_secret
    if not key and (data_dir / DEV_KEY_FILE).exists():
        key = dev_key(data_dir)
    if not key:
        return None
    return issue(
        key,
        Role.ADMIN,
        subject="alpes-demo",
        ttl_seconds=3600,
        audience=settings.auth_audience,
        issuer=settings.auth_issuer,
    )


async def tour(
    urls: Mapping[str, str],
    token: str | None,
    *,
    console: Console | None = None,
    events: int = 300,
    saga_timeout: float = 60.0,
) -> int:
    """The tour against the services at ``urls`` (by service name); the exit code."""
    import httpx

    console = console or Console()
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    auth = "with a bearer token" if token else "without a token"
    console.print(
        Panel(
            "\n".join(f"{name:>12}  {urls[name]}" for name in LANES),
            title=f"alpes demo ({auth})",
            title_align="left",
            expand=False,
        )
    )
    async with httpx.AsyncClient(headers=headers, timeout=30) as client:
        demo = Demo(client, urls, console, events=events, saga_timeout=saga_timeout)
        return await demo.run()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``alpes demo``'s options."""
    urls = default_urls()
    for name in SERVICES:
        parser.add_argument(
            f"--{name}-url",
            default=urls[name],
            metavar="URL",
            help=f"{name}'s base URL (ALPES_{name.upper()}_URL; default {urls[name]})",
        )
    parser.add_argument(
        "--token", help="a bearer token (default: ALPES_TOKEN, else one signed with the dev key)"
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path(os.environ.get("ALPES_DATA_DIR", ".alpes")),
        help="alpes dev's data directory, for its development key",
    )
    parser.add_argument(
        "--events", type=int, default=300, help="tracking events of the burst (default 300)"
    )
    parser.add_argument(
        "--saga-timeout",
        type=float,
        default=60.0,
        help="seconds a saga may take to settle (default 60)",
    )


def run(args: argparse.Namespace) -> int:
    """``alpes demo`` with parsed arguments (:func:`add_arguments`); the exit code."""
    if importlib.util.find_spec("httpx") is None:
        print(
            "alpes demo needs httpx: install the dev-infra extra (scripts/setup does, or "
            "pip install 'alpes-partners[dev-infra]')",
            file=sys.stderr,
        )
        return EXIT_FAILED
    urls = {name: getattr(args, f"{name}_url") for name in SERVICES}
    token = resolve_token(args.token, args.data_dir)
    if args.events < 1:
        print("alpes demo: --events must be at least 1", file=sys.stderr)
        return EXIT_FAILED
    return asyncio.run(tour(urls, token, events=args.events, saga_timeout=args.saga_timeout))


def main(argv: Sequence[str] | None = None) -> int:
    """``alpes demo [options]`` (also ``python -m alpes.demo``)."""
    parser = argparse.ArgumentParser(
        prog="alpes demo",
        description="A scripted tour of a running platform: a campaign confirmed, one refused "
        "by the budget, one cancelled by the user, a burst of tracking traffic.",
    )
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
