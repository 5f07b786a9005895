"""Storage of tracking with SQLAlchemy Core: the campaign aggregate, and the event log + counters.

``CampanaTrackingRepository`` serves the saga's reactions, in their unit of work. They are rare,
so each one first takes a transaction-scoped advisory lock on the campaign id (``lock``, which
then reads it): two reactions to the same campaign (say ``CampanaCreada`` and
``CampanaCancelada`` on two consumer workers) run one after the other, even when no row exists
yet. ``save`` inserts a campaign it did not load and updates one it loaded only if its
``version`` moved, checking that the row still has the version it read (optimistic lock, a
safety net behind the advisory lock). It hands the campaign to the unit of work (``collect``),
which publishes its pending events when the work commits.

``EventoTrackingRepository`` serves ingestion, the hot path, on an autocommit connection and
without any lock on the campaign: ``aceptacion`` reads the campaigns' state with a plain
``SELECT``; ``add`` then writes the event rows (``INSERT ... SELECT FROM unnest``) and one
summed, atomic ``x = x + :dx`` increment per campaign and per code, all in ONE statement: with
events that carry a client's ``id_evento``, ``ON CONFLICT (id) DO NOTHING`` and increments over
the rows really inserted (``_AGREGAR_SIN_REPETIR``); with ids generated here, which cannot be
stored already, a plain insert and increments summed in Python (``_AGREGAR_NUEVOS``, cheaper).
The metrics rows are its only row locks; they are taken in one fixed order and held
only while that statement runs, with no network round trip before the commit. Counters are
therefore exact under any concurrency, and concurrent batches never deadlock.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Collection, Sequence
from contextlib import asynccontextmanager
from typing import Any
from uuid import UUID

from pydantic_core import to_json
from sqlalchemy import insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from alpes.repository import Repository
from tracking_svc.adapters.orm import (
    CONTADORES,
    campanas_tracking,
    codigos_tracking,
    metricas_campana,
    metricas_influencer,
)
from tracking_svc.application.ports import EventoNuevo, EventosNuevos
from tracking_svc.domain import (
    CampanaTracking,
    CodigoTracking,
    EstadoTracking,
    Incremento,
    TipoEvento,
)


class CampanaTrackingRepository(Repository):
    async def lock(self, id_campana: str) -> CampanaTracking | None:
        """Serialize this transaction with every other reaction to ``id_campana``, then read
        the campaign (None if it is not stored)."""
        await self.lock_campaign(id_campana)
        return await self.get(id_campana)

    async def get(self, id_campana: str) -> CampanaTracking | None:
        row = await self.read(campanas_tracking, id_campana)
        if row is None:
            return None
        codigos = (
            (
                await self.session.execute(
                    select(codigos_tracking)
                    .where(codigos_tracking.c.id_campana == id_campana)
                    .order_by(codigos_tracking.c.nombre, codigos_tracking.c.plataforma)
                )
            )
            .mappings()
            .all()
        )
        return CampanaTracking(
            id_campana=row["id_campana"],
            id_marca=row["id_marca"],
            estado=EstadoTracking(row["estado"]),
            motivo=row["motivo"],
            version=row["version"],
            codigos=[_codigo(c) for c in codigos],
        )

    async def save(self, campana: CampanaTracking) -> None:
        """Insert ``campana`` if it was not loaded; else update it if its version moved."""
        leida = self.versions.get(campana.id_campana)
        await self.store(
            campanas_tracking,
            campana.id_campana,
            {
                "id_marca": campana.id_marca,
                "estado": campana.estado.value,
                "motivo": campana.motivo,
            },
            version=campana.version,
            conflict=f"el tracking de la campana {campana.id_campana} cambio en paralelo",
        )
        if leida is None:
            await self._insertar_codigos(campana)
        elif leida != campana.version:
            await self._actualizar_codigos(campana)
        self.collect(campana)

    async def _insertar_codigos(self, campana: CampanaTracking) -> None:
        """The codes of a new campaign; an active one also gets its metrics rows (zero), one for
        the campaign and one per code."""
        claves = [  # of a code's metrics row, and part of its code row
            {"id_campana": campana.id_campana, "codigo": c.codigo, "id_influencer": c.id_influencer}
            for c in campana.codigos
        ]
        if claves:
            filas = [
                {**clave, "nombre": c.nombre, "plataforma": c.plataforma, "activo": c.activo}
                for clave, c in zip(claves, campana.codigos, strict=True)
            ]
            await self.session.execute(insert(codigos_tracking), filas)
        if campana.estado == EstadoTracking.ACTIVA:
            assert campana.id_marca is not None
            await self.session.execute(
                insert(metricas_campana).values(
                    id_campana=campana.id_campana, id_marca=campana.id_marca
                )
            )
            if claves:
                await self.session.execute(insert(metricas_influencer), claves)

    async def _actualizar_codigos(self, campana: CampanaTracking) -> None:
        """Store which of the campaign's codes are active."""
        for activo in (True, False):
            codigos = [c.codigo for c in campana.codigos if c.activo is activo]
            if codigos:
                await self.session.execute(
                    update(codigos_tracking)
                    .where(codigos_tracking.c.codigo.in_(codigos))
                    .values(activo=activo)
                )


def _codigo(row: Any) -> CodigoTracking:
    return CodigoTracking(
        codigo=row["codigo"],
        id_influencer=row["id_influencer"],
        nombre=row["nombre"],
        plataforma=row["plataforma"],
        activo=row["activo"],
    )


_ACEPTACION = text(
    """
    SELECT c.id_campana, c.id_marca, c.estado,
           k.codigo, k.id_influencer, k.nombre, k.plataforma, k.activo
    FROM campanas_tracking AS c
    LEFT JOIN codigos_tracking AS k
           ON k.id_campana = c.id_campana AND k.codigo = ANY(CAST(:codigos AS varchar[]))
    WHERE c.id_campana = ANY(CAST(:campanas AS varchar[]))
    """
)


_SUMAR = ", ".join(f"{n} = m.{n} + d.{n}" for n in CONTADORES)


def _tipo_sql(contador: str) -> str:
    return "numeric" if contador == "valor_conversiones" else "bigint"


def _unnest(prefijo: str, claves: Sequence[str]) -> str:
    """``unnest(CAST(:p_a AS varchar[]), ...) AS d(a, ..., vistas, ...)``: one row per key."""
    arrays = [f"CAST(:{prefijo}_{k} AS varchar[])" for k in claves] + [
        f"CAST(:{prefijo}_{n} AS {_tipo_sql(n)}[])" for n in CONTADORES
    ]
    return f"unnest({', '.join(arrays)}) AS d({', '.join([*claves, *CONTADORES])})"


_BLOQUEO = """WITH bloqueo_campanas AS (
        SELECT 1 FROM metricas_campana
        WHERE id_campana = ANY(CAST(:c_id_campana AS varchar[]))
        ORDER BY id_campana
        FOR NO KEY UPDATE
    ), bloqueo_codigos AS (
        SELECT 1 FROM metricas_influencer
        WHERE (id_campana, codigo) IN (
            SELECT * FROM unnest(CAST(:i_id_campana AS varchar[]), CAST(:i_codigo AS varchar[])))
        ORDER BY id_campana, codigo
        FOR NO KEY UPDATE
    ), completas AS (
        SELECT (SELECT count(*) FROM bloqueo_campanas) = :n_campanas
           AND (SELECT count(*) FROM bloqueo_codigos) = :n_codigos AS ok
"""
"""The start of both writes: every metrics row they change, locked in one fixed order (no
deadlock), and ``completas``: whether every one of them exists."""

_AGREGAR_NUEVOS = text(
    f"""
    {_BLOQUEO}
    ), campanas AS (
        UPDATE metricas_campana AS m SET {_SUMAR}
        FROM {_unnest("c", ["id_campana"])}, completas
        WHERE m.id_campana = d.id_campana AND completas.ok
        RETURNING 1
    ), codigos AS (
        UPDATE metricas_influencer AS m SET {_SUMAR}
        FROM {_unnest("i", ["id_campana", "codigo"])}, completas
        WHERE m.id_campana = d.id_campana AND m.codigo = d.codigo AND completas.ok
        RETURNING 1
    ), eventos AS (
        INSERT INTO eventos_tracking (id, id_campana, tipo_evento, datos, codigo, fecha_evento)
        SELECT e.* FROM unnest(
            CAST(:e_id AS uuid[]), CAST(:e_id_campana AS varchar[]),
            CAST(:e_tipo_evento AS varchar[]), CAST(CAST(:e_datos AS text[]) AS jsonb[]),
            CAST(:e_codigo AS varchar[]), CAST(:e_fecha_evento AS timestamptz[])) AS e, completas
        WHERE completas.ok
        RETURNING 1
    )
    SELECT (SELECT ok FROM completas) AS completas,
           (SELECT count(*) FROM campanas) AS campanas,
           (SELECT count(*) FROM codigos) AS codigos,
           (SELECT count(*) FROM eventos) AS eventos
    """
)
"""The write of events whose ids the service generated (no id can be stored already), with
the increments summed in Python: ONE statement, hence one transaction that commits when it
ends: no network round trip while the metrics rows are locked. PostgreSQL evaluates the select
list left to right, so the ordered ``FOR NO KEY UPDATE`` of every campaign row, then of every
code row, comes before any update (the same order for every writer: no deadlock); if a metrics
row is missing (provisioning writes them with the campaign and nothing deletes them, so it
cannot happen), ``completas`` is false and nothing at all is written."""


def _suma(contador: str) -> str:
    """The SQL sum of ``contador`` over the events of ``sumas``, as the domain's ``Incremento``
    says: each event adds one unit to its type's counter, and a conversion its value."""
    if contador == "valor_conversiones":
        return "coalesce(sum(valor), 0)"
    if contador == "total_eventos":
        return "count(*)"
    tipos = [f"'{t.value}'" for t in TipoEvento if getattr(Incremento.de_evento(t, {}), contador)]
    return f"count(*) FILTER (WHERE tipo_evento IN ({', '.join(tipos)}))" if tipos else "0"


_SUMAS = ", ".join(f"{_suma(n)} AS {n}" for n in CONTADORES)

_AGREGAR_SIN_REPETIR = text(
    f"""
    {_BLOQUEO}
    ), nuevos AS (
        INSERT INTO eventos_tracking (id, id_campana, tipo_evento, datos, codigo, fecha_evento)
        SELECT e.* FROM unnest(
            CAST(:e_id AS uuid[]), CAST(:e_id_campana AS varchar[]),
            CAST(:e_tipo_evento AS varchar[]), CAST(CAST(:e_datos AS text[]) AS jsonb[]),
            CAST(:e_codigo AS varchar[]), CAST(:e_fecha_evento AS timestamptz[]))
            AS e(id, id_campana, tipo_evento, datos, codigo, fecha_evento), completas
        WHERE completas.ok
        ORDER BY e.id
        ON CONFLICT (id) DO NOTHING
        RETURNING id
    ), sumas AS (
        SELECT d.id_campana, d.codigo, d.tipo_evento, d.valor
        FROM unnest(CAST(:e_id AS uuid[]), CAST(:e_id_campana AS varchar[]),
                    CAST(:e_codigo AS varchar[]), CAST(:e_tipo_evento AS varchar[]),
                    CAST(:e_valor AS numeric[])) AS d(id, id_campana, codigo, tipo_evento, valor)
        JOIN nuevos USING (id)
    ), campanas AS (
        UPDATE metricas_campana AS m SET {_SUMAR}
        FROM (SELECT id_campana, {_SUMAS} FROM sumas GROUP BY id_campana) AS d
        WHERE m.id_campana = d.id_campana
        RETURNING 1
    ), codigos AS (
        UPDATE metricas_influencer AS m SET {_SUMAR}
        FROM (SELECT id_campana, codigo, {_SUMAS} FROM sumas
              WHERE codigo IS NOT NULL GROUP BY id_campana, codigo) AS d
        WHERE m.id_campana = d.id_campana AND m.codigo = d.codigo
        RETURNING 1
    )
    SELECT (SELECT ok FROM completas) AS completas,
           (SELECT coalesce(array_agg(id), '{{}}') FROM nuevos) AS nuevos,
           (SELECT count(*) FROM campanas) AS campanas,
           (SELECT count(*) FROM codigos) AS codigos
    """
)
"""Every write of an ingestion, as ONE statement, hence one transaction that commits when it
ends: no network round trip while the metrics rows are locked. PostgreSQL evaluates the select
list left to right, so the ordered ``FOR NO KEY UPDATE`` of every campaign row, then of every
code row, comes before any insert or update (the same order for every writer: no deadlock); if
a metrics row is missing (provisioning writes them with the campaign and nothing deletes them,
so it cannot happen), ``completas`` is false and nothing at all is written.

Event ids are the clients' ``id_evento``: ``ON CONFLICT (id) DO NOTHING`` skips an id already
stored, also one committed by a concurrent writer after this statement's snapshot (PostgreSQL
waits for that writer to end, then skips), and the counters add only the events of rows really
inserted (``sumas`` joins the events' types and values with ``nuevos``). Rows are inserted in id
order, so two writers holding disjoint metrics rows cannot wait for each other's ids in a
cycle; writers sharing a metrics row run one after the other anyway."""

_EVENTOS = text(
    """
    SELECT id, id_campana, tipo_evento, datos, codigo, fecha_evento
    FROM eventos_tracking WHERE id = ANY(CAST(:ids AS uuid[]))
    """
)


class EventoTrackingRepository:
    """Ingestion on an autocommit connection: a plain read, then one atomic write
    (``application.ports.EventosTracking``; ``open`` bound to the engine is its
    ``AbrirEventos``)."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection

    @classmethod
    @asynccontextmanager
    async def open(cls, engine: AsyncEngine) -> AsyncIterator[EventoTrackingRepository]:
        async with engine.connect() as connection:
            yield cls(await connection.execution_options(isolation_level="AUTOCOMMIT"))

    async def aceptacion(
        self, ids: Collection[str], codigos: Collection[str]
    ) -> dict[str, CampanaTracking]:
        """The campaigns among ``ids`` with, of their codes, only those among ``codigos``:
        enough to decide whether events with those codes count. A plain read, no lock."""
        rows = (
            await self.connection.execute(
                _ACEPTACION, {"campanas": list(ids), "codigos": list(codigos)}
            )
        ).mappings()
        campanas: dict[str, CampanaTracking] = {}
        for row in rows:
            campana = campanas.get(row["id_campana"])
            if campana is None:
                campana = campanas[row["id_campana"]] = CampanaTracking(
                    id_campana=row["id_campana"],
                    id_marca=row["id_marca"],
                    estado=EstadoTracking(row["estado"]),
                )
            if row["codigo"] is not None:
                campana.codigos.append(_codigo(row))
        return campanas

    async def eventos(self, ids: Collection[UUID]) -> dict[UUID, EventoNuevo]:
        """The stored events among ``ids``, by id."""
        rows = (await self.connection.execute(_EVENTOS, {"ids": list(ids)})).mappings()
        return {
            row["id"]: EventoNuevo(
                id=row["id"],
                id_campana=row["id_campana"],
                tipo_evento=row["tipo_evento"],
                datos=row["datos"],
                codigo=row["codigo"],
                fecha_evento=row["fecha_evento"],
            )
            for row in rows
        }

    async def add(self, nuevos: EventosNuevos) -> set[UUID]:
        """Store those of ``nuevos`` whose id is not stored yet and add their increments, summed
        into one increment per campaign and per code: all of it or nothing, atomically.
        Returns the ids really inserted; the others were already stored (by an earlier or a
        concurrent request) and count nothing.

        Without ``ids_del_cliente`` every id was generated here (``uuid4``) and none can be
        stored already: the plain insert with the increments summed in Python is used, which
        costs less than checking every row (the common case, and the bulk benchmark's)."""
        eventos = nuevos.eventos
        if not nuevos.ids_del_cliente:
            await self._agregar_nuevos(nuevos)
            return {e.id for e in eventos}
        campanas = sorted({e.id_campana for e in eventos})
        codigos = sorted({(e.id_campana, e.codigo) for e in eventos if e.codigo is not None})
        params = {
            **_parametros(eventos, campanas, codigos),
            "e_valor": [i.valor_conversiones for i in nuevos.incrementos],
        }
        result = await self._escribir(_AGREGAR_SIN_REPETIR, params)
        insertados = set(result.nuevos)
        escritos = [e for e in eventos if e.id in insertados]
        assert (result.campanas, result.codigos) == (
            len({e.id_campana for e in escritos}),
            len({(e.id_campana, e.codigo) for e in escritos if e.codigo is not None}),
        )
        return insertados

    async def _agregar_nuevos(self, nuevos: EventosNuevos) -> None:
        """Store ``nuevos``, none of them stored already, and add their increments, summed into
        one increment per campaign and per code: all of it or nothing, atomically."""
        eventos, incrementos = nuevos.eventos, nuevos.incrementos
        # most events share their increment (the domain hands out one value per type): count
        # the events per row and increment, then add each increment times its count
        por_incremento = {id(i): i for i in incrementos}
        ids = [id(i) for i in incrementos]
        en_campanas = Counter(zip([e.id_campana for e in eventos], ids, strict=True))
        en_codigos = Counter(
            (e.id_campana, e.codigo, i)
            for e, i in zip(eventos, ids, strict=True)
            if e.codigo is not None
        )
        por_campana: dict[str, list[Any]] = {}
        for (campana, incremento), veces in en_campanas.items():
            _sumar(por_campana, campana, _valores(por_incremento[incremento], veces))
        por_codigo: dict[tuple[str, str], list[Any]] = {}
        for (campana, codigo, incremento), veces in en_codigos.items():
            _sumar(por_codigo, (campana, codigo), _valores(por_incremento[incremento], veces))
        campanas, codigos = sorted(por_campana), sorted(por_codigo)
        params = {
            **_parametros(eventos, campanas, codigos),
            **_columnas("c", [por_campana[k] for k in campanas]),
            **_columnas("i", [por_codigo[k] for k in codigos]),
        }
        result = await self._escribir(_AGREGAR_NUEVOS, params)
        assert (result.campanas, result.codigos, result.eventos) == (
            len(campanas),
            len(codigos),
            len(eventos),
        )

    async def _escribir(self, statement: Any, params: dict[str, Any]) -> Any:
        result = (await self.connection.execute(statement, params)).one()
        if not result.completas:
            msg = "metrics rows missing for an active campaign; nothing was written"
            raise RuntimeError(msg)
        return result


def _parametros(
    eventos: Sequence[EventoNuevo], campanas: list[str], codigos: list[tuple[str, str]]
) -> dict[str, Any]:
    """The parameters both writes share: the metrics rows to lock and the event rows."""
    return {
        "n_campanas": len(campanas),
        "n_codigos": len(codigos),
        "c_id_campana": campanas,
        "i_id_campana": [k[0] for k in codigos],
        "i_codigo": [k[1] for k in codigos],
        "e_id": [e.id for e in eventos],
        "e_id_campana": [e.id_campana for e in eventos],
        "e_tipo_evento": [e.tipo_evento for e in eventos],
        "e_datos": [to_json(e.datos).decode() for e in eventos],  # pydantic's encoder: fast
        "e_codigo": [e.codigo for e in eventos],
        "e_fecha_evento": [e.fecha_evento for e in eventos],
    }


def _sumar(sumas: dict[Any, list[Any]], clave: Any, valores: list[Any]) -> None:
    suma = sumas.get(clave)
    if suma is None:
        sumas[clave] = list(valores)
    else:
        for i, valor in enumerate(valores):
            suma[i] += valor


def _columnas(prefijo: str, sumas: Sequence[list[Any]]) -> dict[str, list[Any]]:
    """The ``unnest`` arrays: one per counter, one element per row to increment."""
    return {f"{prefijo}_{nombre}": [s[i] for s in sumas] for i, nombre in enumerate(CONTADORES)}


_UNIDADES = tuple(n for n in CONTADORES if n not in ("valor_conversiones", "total_eventos"))


def _valores(incremento: Incremento, veces: int = 1) -> list[Any]:
    """``veces`` times ``incremento``, in the order of CONTADORES; each event adds one unit to
    exactly one counter, so ``total_eventos`` is the sum of the units."""
    unidades = sum(getattr(incremento, nombre) for nombre in _UNIDADES)
    return [
        veces * (unidades if n == "total_eventos" else getattr(incremento, n)) for n in CONTADORES
    ]
