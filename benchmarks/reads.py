"""Reads: req/s and latency of the campaign, saga and event lists with a large store.

Starts pulsar-lite and an embedded PostgreSQL in a temporary directory and runs afiliaciones and
tracking as real processes (``python -m alpes.cli serve``, one uvicorn worker each); seeds
``--campanas`` campaigns (two saga timeline lines each) and ``--eventos`` tracking events (over
``--campanas-tracking`` campaigns) straight into their databases with ``INSERT ... SELECT
generate_series``, then ``VACUUM ANALYZE``. Campaigns are in every state but ``creada`` (so no
deadline job wakes up), two by two created in the same second, and events ten by ten in the
same second (as a batch is): ties the sort key's id must break.

Then, from load-generator processes of their own (``benchmarks.load``: aiohttp when installed),
at ``--concurrency``, each phase ``--warmup`` s unmeasured and ``--duration`` s measured:

- ``GET /health``: the ceiling of this harness (client + server HTTP stack, same cores);
- the seed's lists' first pages: ``/afiliaciones/campanas`` unfiltered, by ``estado`` and by
  ``id_marca``, ``/afiliaciones/sagas``, ``/afiliaciones/sagas/historial``;
- pages at random depths of the campaign list, by cursor and then by ``offset`` (the same
  pages: the cost an OFFSET scan adds, measured in the same run);
- a campaign's events (``/tracking/eventos/{id}?limit=100``): first pages, then random depths by
  cursor and by ``offset``.

``--sin-cursor`` leaves the cursor phases out, to measure a tree from before keyset paging with
the same requests (``--arbol``: the work tree whose services run).

    python -m benchmarks.reads [--concurrency 16] [--duration 8] [--warmup 2]
                               [--campanas 100000] [--eventos 1000000] [--arbol PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from afiliaciones_svc.adapters.queries import CAMPANAS
from alpes.infra import EmbeddedPostgres, PulsarLite, free_port
from benchmarks import load
from benchmarks.load import Request, Tally
from tests.auth import ADMIN, TEST_KEY
from tracking_svc.adapters.queries import EVENTOS

PROFUNDIDADES = 400
"""Random positions per deep-page phase (each a prepared request)."""

ESTADOS = ["confirmada"] * 4 + ["iniciada"] * 3 + ["finalizada"] * 2 + ["cancelada"]


# --- the services ---


@dataclass
class Servicio:
    nombre: str
    url: str
    database: str
    process: subprocess.Popen[bytes]


def arrancar(
    nombre: str, pulsar: PulsarLite, postgres: EmbeddedPostgres, work: Path, arbol: Path
) -> Servicio:
    database = f"bench_{nombre}"
    postgres.create_database(database)
    port = free_port()
    env = {
        **os.environ,
        "SERVICE": nombre,
        "PULSAR_URL": pulsar.url,
        "DATABASE_URL": postgres.url(database),
        "TOPIC_NAMESPACE": f"public/reads{uuid.uuid4().hex[:8]}",
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
        "AUTH_HS256_SECRET": TEST_KEY,
        # the tree's own packages first (its broker package too), whatever the venv installed
        "PYTHONPATH": os.pathsep.join([str(arbol), str(arbol / "packages" / "faststream-pulsar")]),
    }
    with (work / f"{nombre}.log").open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "alpes.cli", "serve", nombre],
            env=env,
            cwd=arbol,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return Servicio(nombre, f"http://127.0.0.1:{port}", postgres.url(database), process)


def listo(servicio: Servicio, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if servicio.process.poll() is not None:
            raise SystemExit(f"{servicio.nombre} exited: see its log")
        try:
            with urllib.request.urlopen(f"{servicio.url}/ready", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{servicio.nombre} was not ready within {timeout} s")


# --- the data ---

T0 = "(now() - interval '1 minute')"
"""The instant the newest seeded row is from."""

_CAMPANAS = """
INSERT INTO campanas (
    id, nombre, descripcion, tipo, estado, fecha_creacion, fecha_inicio, fecha_fin, presupuesto,
    id_marca, nombre_marca, influencers, id_saga, id_correlacion, plazo_saga, estado_saga,
    exitos, fallos, compensaciones, motivo_cancelacion, origen_cancelacion, version,
    cancelada_en
)
SELECT md5('c' || g)::uuid::text, 'Campaña ' || g, 'benchmark', 'influencer', e.estado,
       {T0} - make_interval(secs => g / 2), {T0}, {T0} + interval '30 days', 1000 + g % 5000,
       'marca-' || (g % :marcas), 'Marca ' || (g % :marcas),
       '[{"nombre": "Ana", "plataforma": "Instagram", "seguidores": 1000, "categoria": "x"}]',
       md5('s' || g)::uuid::text, 'bench', {T0} - make_interval(secs => g / 2 - 30),
       CASE WHEN e.estado = 'cancelada' THEN 'compensada' ELSE 'completada' END,
       ARRAY['marca', 'influencer', 'tracking'], '{}',
       CASE WHEN e.estado = 'cancelada' THEN ARRAY['marca'] ELSE '{}' END,
       CASE WHEN e.estado = 'cancelada' THEN 'benchmark' END,
       CASE WHEN e.estado = 'cancelada' THEN 'usuario' END, 3,
       CASE WHEN e.estado = 'cancelada' THEN {T0} END
FROM generate_series(1, :n) AS g,
     LATERAL (SELECT (CAST(:estados AS text[]))[1 + g % 10] AS estado) AS e
""".replace("{T0}", T0)

_LINEA = """
INSERT INTO linea_de_tiempo_saga (id_saga, id_campana, evento, origen, ocurrido_en)
SELECT md5('s' || g)::uuid::text, md5('c' || g)::uuid::text, l.evento, 'afiliaciones',
       {T0} - make_interval(secs => g / 2) + l.despues
FROM generate_series(1, :n) AS g,
     (VALUES ('CampanaCreada', interval '0'), ('CampanaConfirmada', interval '50 ms'))
         AS l(evento, despues)
""".replace("{T0}", T0)

_CAMPANAS_TRACKING = """
INSERT INTO campanas_tracking (id_campana, id_marca, estado, version)
SELECT 'bench-' || k, 'marca-' || k, 'activa', 1 FROM generate_series(0, :k - 1) AS k;
"""

_METRICAS = """
INSERT INTO metricas_campana (id_campana, id_marca, vistas, total_eventos)
SELECT id_campana, 'marca-' || substr(id_campana, 7), count(*), count(*)
FROM eventos_tracking GROUP BY id_campana
"""

_EVENTOS = """
INSERT INTO eventos_tracking (id, id_campana, tipo_evento, datos, codigo, fecha_evento)
SELECT gen_random_uuid(), 'bench-' || (g % :k),
       (ARRAY['vista', 'clic', 'conversion', 'engagement', 'compartir', 'comentario'])[1 + g % 6],
       jsonb_build_object('usuario', 'u' || g, 'fuente', 'instagram'), NULL,
       {T0} - make_interval(secs => g / 10)
FROM generate_series(CAST(:desde AS int), CAST(:hasta AS int)) AS g
""".replace("{T0}", T0)


async def sembrar(afiliaciones: AsyncEngine, tracking: AsyncEngine, args: Any) -> float:
    inicio = time.perf_counter()
    async with afiliaciones.begin() as conn:
        parametros = {"n": args.campanas, "marcas": args.marcas, "estados": ESTADOS}
        await conn.execute(text(_CAMPANAS), parametros)
        await conn.execute(text(_LINEA), {"n": args.campanas})
    k = args.campanas_tracking
    async with tracking.begin() as conn:
        await conn.execute(text(_CAMPANAS_TRACKING), {"k": k})
        for desde in range(1, args.eventos + 1, 200_000):
            hasta = min(args.eventos, desde + 199_999)
            await conn.execute(text(_EVENTOS), {"k": k, "desde": desde, "hasta": hasta})
        await conn.execute(text(_METRICAS))
    for engine in (afiliaciones, tracking):
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text("VACUUM ANALYZE"))
    return time.perf_counter() - inicio


async def posiciones(
    engine: AsyncEngine, sql: str, profundidades: list[int], **parametros: Any
) -> list[dict[str, Any]]:
    """The rows at ``profundidades`` (0-based) of a list, with their key's columns."""
    async with engine.connect() as conn:
        filas = await conn.execute(text(sql), {"rn": [d + 1 for d in profundidades], **parametros})
        return [dict(f) for f in filas.mappings()]


# --- the phases ---


def cpu_postgres(postgres: EmbeddedPostgres) -> float:
    """CPU seconds the server's processes (the postmaster's children) have used so far."""
    postmaster = load.postmaster(postgres)
    return load.children_cpu_seconds(postmaster)


@dataclass
class Fase:
    nombre: str
    tally: Tally
    cpu_ms: float
    """The service's CPU time per answered request, warm-up included (ms)."""
    cpu_pg_ms: float
    """PostgreSQL's, the same way."""

    @property
    def rate(self) -> float:
        return self.tally.requests / self.tally.seconds if self.tally.seconds else 0.0

    def linea(self, techo: float) -> str:
        ms = sorted(x * 1000 for x in self.tally.latencies)
        p50 = statistics.median(ms) if ms else float("nan")
        p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))] if ms else float("nan")
        return (
            f"{self.nombre:<52} {self.rate:>8.0f} {p50:>8.1f} {p99:>8.1f} "
            f"{self.tally.errors:>7} {self.rate / techo:>8.2f} {self.cpu_ms:>7.2f}"
            f" {self.cpu_pg_ms:>7.2f}"
        )


def get(path: str, **query: Any) -> Request:
    # one "event" a request: Tally.accepted then counts the answered ones, warm-up included
    target = f"{path}?{urllib.parse.urlencode(query)}" if query else path
    return Request("GET", target, events=1, headers=tuple(ADMIN.items()))


async def medir(
    afiliaciones: Servicio,
    tracking: Servicio,
    postgres: EmbeddedPostgres,
    motores: dict[str, AsyncEngine],
    args: Any,
) -> list[Fase]:
    rnd = random.Random(9)

    def fase(nombre: str, servicio: Servicio, requests: list[Request]) -> Fase:
        antes, antes_pg = load.cpu_seconds(servicio.process.pid), cpu_postgres(postgres)
        tally = load.closed_loop_as_asked(servicio.url, requests, args)
        segundos = load.cpu_seconds(servicio.process.pid) - antes
        segundos_pg = cpu_postgres(postgres) - antes_pg
        respondidas = max(tally.accepted, 1)
        print(f"  {nombre}: {tally.requests / tally.seconds:.0f} req/s", flush=True)
        return Fase(nombre, tally, 1000 * segundos / respondidas, 1000 * segundos_pg / respondidas)

    a, t = afiliaciones, tracking
    fases = [fase("GET /health (harness ceiling)", a, [get("/health")])]

    marcas = [f"marca-{rnd.randrange(args.marcas)}" for _ in range(100)]
    primeras = [
        get("/afiliaciones/campanas"),
        get("/afiliaciones/campanas", estado="iniciada"),
        *(get("/afiliaciones/campanas", id_marca=m) for m in marcas[:10]),
    ]
    fases.append(fase("GET /afiliaciones/campanas, first pages (limit 50)", a, primeras))
    listas = [get("/afiliaciones/sagas"), get("/afiliaciones/sagas/historial")]
    fases.append(fase("GET /afiliaciones/sagas and /sagas/historial", a, listas))

    profundidades = sorted(rnd.randrange(args.campanas - 50) for _ in range(PROFUNDIDADES))
    filas = await posiciones(
        motores["afiliaciones"],
        "SELECT fecha_creacion, id, rn FROM (SELECT fecha_creacion, id, row_number() OVER"
        " (ORDER BY fecha_creacion DESC, id) AS rn FROM campanas) AS s WHERE rn = ANY(:rn)",
        profundidades,
    )
    if not args.sin_cursor:
        por_cursor = [get("/afiliaciones/campanas", cursor=CAMPANAS.cursor(f)) for f in filas]
        fases.append(fase("GET /afiliaciones/campanas, random depth, by cursor", a, por_cursor))
    por_offset = [get("/afiliaciones/campanas", offset=f["rn"]) for f in filas]
    fases.append(fase("GET /afiliaciones/campanas, same pages, by offset", a, por_offset))

    por_campana = args.eventos // args.campanas_tracking
    ids = [f"bench-{k}" for k in range(args.campanas_tracking)]
    eventos = [get(f"/tracking/eventos/{i}", limit=100) for i in ids]
    fases.append(fase("GET /tracking/eventos/{id}, first pages (limit 100)", t, eventos))
    elegidas = [(rnd.choice(ids), rnd.randrange(por_campana - 100)) for _ in range(PROFUNDIDADES)]
    filas = []
    for id_campana, profundidad in elegidas:
        filas += await posiciones(
            motores["tracking"],
            "SELECT fecha_evento, id, id_campana, rn FROM (SELECT fecha_evento, id, id_campana,"
            " row_number() OVER (ORDER BY fecha_evento DESC, id DESC) AS rn"
            " FROM eventos_tracking WHERE id_campana = :c) AS s WHERE rn = ANY(:rn)",
            [profundidad],
            c=id_campana,
        )
    ruta = "/tracking/eventos/{}"
    if not args.sin_cursor:
        por_cursor = [
            get(ruta.format(f["id_campana"]), limit=100, cursor=EVENTOS.cursor(f)) for f in filas
        ]
        fases.append(fase("GET /tracking/eventos/{id}, random depth, by cursor", t, por_cursor))
    por_offset = [get(ruta.format(f["id_campana"]), limit=100, offset=f["rn"]) for f in filas]
    fases.append(fase("GET /tracking/eventos/{id}, same pages, by offset", t, por_offset))
    return fases


def informe(fases: list[Fase], args: Any, siembra: float) -> None:
    """One line per phase; ``cpu ms`` is the service process's CPU time per request and
    ``pg ms`` PostgreSQL's (the machine's other load does not inflate them as it does
    latency: 1000 / ``cpu ms`` is the rate one free core would serve)."""
    techo = fases[0].rate
    procesos = args.processes or load.default_processes()
    print(
        f"\nreads: {args.campanas:,} campaigns, {args.eventos:,} events over "
        f"{args.campanas_tracking:,} campaigns (seeded in {siembra:.0f} s); concurrency "
        f"{args.concurrency}, {args.duration:g} s after {args.warmup:g} s warm-up; one uvicorn "
        f"worker per service, {os.cpu_count()} cores shared; load from {procesos} "
        f"{fases[0].tally.client} process(es); services from {args.arbol}"
    )
    print(
        f"{'request':<52} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'/ceil':>8}"
        f" {'cpu ms':>7} {'pg ms':>7}"
    )
    for f in fases:
        print(f.linea(techo))


async def ejecutar(args: Any) -> int:
    with tempfile.TemporaryDirectory(prefix="bench-reads-") as tmp:
        work = Path(tmp)
        pulsar = PulsarLite.start(work / "pulsar")
        postgres = await asyncio.to_thread(EmbeddedPostgres.start, work / "postgres")
        servicios: list[Servicio] = []
        motores: dict[str, AsyncEngine] = {}
        try:
            for nombre in ("afiliaciones", "tracking"):
                servicios.append(arrancar(nombre, pulsar, postgres, work, args.arbol))
            for s in servicios:
                await asyncio.to_thread(listo, s)
                motores[s.nombre] = create_async_engine(s.database)
            siembra = await sembrar(motores["afiliaciones"], motores["tracking"], args)
            fases = await medir(servicios[0], servicios[1], postgres, motores, args)
        finally:
            for engine in motores.values():
                await engine.dispose()
            for s in servicios:
                s.process.terminate()
                s.process.wait(20)
            pulsar.stop()
            await asyncio.to_thread(postgres.stop)
    informe(fases, args, siembra)
    return 0 if all(f.tally.errors == 0 for f in fases) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    load.add_load_options(parser, duration=8.0)
    parser.add_argument("--campanas", type=int, default=100_000)
    parser.add_argument("--marcas", type=int, default=1_000)
    parser.add_argument("--eventos", type=int, default=1_000_000)
    parser.add_argument("--campanas-tracking", type=int, default=100)
    parser.add_argument("--arbol", type=Path, default=Path.cwd(), help="the services' work tree")
    parser.add_argument("--sin-cursor", action="store_true", help="leave out cursor phases")
    return asyncio.run(ejecutar(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
