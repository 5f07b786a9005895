"""Storage of tracking with SQLAlchemy Core: the campaign aggregate, and the event log + counters.

``CampanaTrackingRepository`` serves the saga's reactions. They are rare, so each one first takes
a transaction-scoped advisory lock on the campaign id (``bloquear``): two reactions to the same
campaign (say ``CampanaCreada`` and ``CampanaCancelada`` on two consumer workers) run one after
the other, even when no row exists yet. ``save`` also checks ``version``.

``EventoTrackingRepository`` serves ingestion, the hot path. It takes no lock on the campaign:
``aceptacion`` reads the campaigns' state with a plain ``SELECT``; ``agregar`` writes every event
row with one ``INSERT ... SELECT FROM unnest(...)`` and then applies one summed, atomic
``UPDATE ... SET x = x + :dx`` per campaign and per code. Those updates are the only row locks of
an ingestion; they are taken last (shortest hold before the commit) and always in the same order
(every campaign row sorted by id, then every code row sorted), so concurrent batches never
deadlock.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import bindparam, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from tracking_svc.adapters.orm import (
    CONTADORES,
    campanas_tracking,
    codigos_tracking,
    metricas_campana,
    metricas_influencer,
)
from tracking_svc.domain import CampanaTracking, CodigoTracking, EstadoTracking, Incremento


class CampanaModificada(Exception):
    """The campaign's tracking changed since it was read (optimistic lock); retry."""

    def __init__(self, id_campana: str) -> None:
        super().__init__(f"el tracking de la campana {id_campana} cambio en paralelo")
        self.id_campana = id_campana


class CampanaTrackingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def bloquear(self, id_campana: str) -> None:
        """Serialize this transaction with every other reaction to ``id_campana``."""
        await self.session.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:id, 7))"), {"id": id_campana}
        )

    async def get(self, id_campana: str) -> CampanaTracking | None:
        row = (
            (
                await self.session.execute(
                    select(campanas_tracking).where(campanas_tracking.c.id_campana == id_campana)
                )
            )
            .mappings()
            .first()
        )
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

    async def add(self, campana: CampanaTracking) -> None:
        """Store a new campaign; an active one also gets its (zero) metrics rows."""
        await self.session.execute(
            insert(campanas_tracking).values(
                id_campana=campana.id_campana,
                id_marca=campana.id_marca,
                estado=campana.estado.value,
                motivo=campana.motivo,
                version=campana.version,
            )
        )
        if campana.codigos:
            await self.session.execute(
                insert(codigos_tracking),
                [
                    {
                        "codigo": c.codigo,
                        "id_campana": campana.id_campana,
                        "id_influencer": c.id_influencer,
                        "nombre": c.nombre,
                        "plataforma": c.plataforma,
                        "activo": c.activo,
                    }
                    for c in campana.codigos
                ],
            )
        if campana.estado == EstadoTracking.ACTIVA:
            await self._crear_metricas(campana)

    async def _crear_metricas(self, campana: CampanaTracking) -> None:
        assert campana.id_marca is not None
        await self.session.execute(
            insert(metricas_campana).values(
                id_campana=campana.id_campana, id_marca=campana.id_marca
            )
        )
        if campana.codigos:
            await self.session.execute(
                insert(metricas_influencer),
                [
                    {
                        "id_campana": campana.id_campana,
                        "codigo": c.codigo,
                        "id_influencer": c.id_influencer,
                    }
                    for c in campana.codigos
                ],
            )

    async def save(self, campana: CampanaTracking, version_leida: int) -> None:
        """Store the new state of a campaign read at ``version_leida``."""
        result = await self.session.execute(
            update(campanas_tracking)
            .where(
                campanas_tracking.c.id_campana == campana.id_campana,
                campanas_tracking.c.version == version_leida,
            )
            .values(estado=campana.estado.value, motivo=campana.motivo, version=campana.version)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise CampanaModificada(campana.id_campana)
        for activo in (True, False):
            codigos = [c.codigo for c in campana.codigos if c.activo is activo]
            if codigos:
                await self.session.execute(
                    update(codigos_tracking)
                    .where(codigos_tracking.c.codigo.in_(codigos))
                    .values(activo=activo)
                )


def _codigo(row: Mapping[str, Any]) -> CodigoTracking:
    return CodigoTracking(
        codigo=row["codigo"],
        id_influencer=row["id_influencer"],
        nombre=row["nombre"],
        plataforma=row["plataforma"],
        activo=row["activo"],
    )


@dataclass(frozen=True, kw_only=True)
class EventoNuevo:
    """A tracking event accepted by the domain, as it is stored."""

    id: UUID
    id_campana: str
    tipo_evento: str
    datos: Mapping[str, Any]
    codigo: str | None
    fecha_evento: datetime


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

_INSERTAR_EVENTOS = text(
    """
    INSERT INTO eventos_tracking (id, id_campana, tipo_evento, datos, codigo, fecha_evento)
    SELECT * FROM unnest(
        CAST(:ids AS uuid[]), CAST(:campanas AS varchar[]), CAST(:tipos AS varchar[]),
        CAST(CAST(:datos AS text[]) AS jsonb[]), CAST(:codigos AS varchar[]),
        CAST(:fechas AS timestamptz[]))
    """
)


def _incrementar(tabla: Any, *claves: str) -> Any:
    """``UPDATE tabla SET x = x + :x, ... WHERE clave = :w_clave ...`` (one statement shape)."""
    return (
        update(tabla)
        .where(*(tabla.c[clave] == bindparam(f"w_{clave}") for clave in claves))
        .values({nombre: tabla.c[nombre] + bindparam(nombre) for nombre in CONTADORES})
    )


_INCREMENTAR_CAMPANA = _incrementar(metricas_campana, "id_campana")
_INCREMENTAR_INFLUENCER = _incrementar(metricas_influencer, "id_campana", "codigo")


class EventoTrackingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def aceptacion(
        self, ids: Collection[str], codigos: Collection[str]
    ) -> dict[str, CampanaTracking]:
        """The campaigns among ``ids`` with, of their codes, only those among ``codigos``:
        enough to decide whether events with those codes count. A plain read, no lock."""
        rows = (
            await self.session.execute(
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

    async def agregar(
        self,
        eventos: Sequence[EventoNuevo],
        por_campana: Mapping[str, Incremento],
        por_codigo: Mapping[tuple[str, str], Incremento],
    ) -> None:
        """Store ``eventos`` and add the increments, in one go (the caller's transaction)."""
        await self.session.execute(
            _INSERTAR_EVENTOS,
            {
                "ids": [e.id for e in eventos],
                "campanas": [e.id_campana for e in eventos],
                "tipos": [e.tipo_evento for e in eventos],
                "datos": [json.dumps(e.datos, ensure_ascii=False) for e in eventos],
                "codigos": [e.codigo for e in eventos],
                "fechas": [e.fecha_evento for e in eventos],
            },
        )
        for id_campana in sorted(por_campana):
            await self._sumar(
                _INCREMENTAR_CAMPANA, por_campana[id_campana], w_id_campana=id_campana
            )
        for id_campana, codigo in sorted(por_codigo):
            await self._sumar(
                _INCREMENTAR_INFLUENCER,
                por_codigo[id_campana, codigo],
                w_id_campana=id_campana,
                w_codigo=codigo,
            )

    async def _sumar(self, statement: Any, incremento: Incremento, **claves: str) -> None:
        result = await self.session.execute(statement, {**_valores(incremento), **claves})
        if result.rowcount != 1:  # type: ignore[attr-defined]
            msg = f"no metrics row for {claves}"  # provisioning writes them with the campaign
            raise RuntimeError(msg)


def _valores(incremento: Incremento) -> dict[str, Any]:
    return {
        "vistas": incremento.vistas,
        "clics": incremento.clics,
        "conversiones": incremento.conversiones,
        "valor_conversiones": incremento.valor_conversiones,
        "engagement": incremento.engagement,
        "compartidos": incremento.compartidos,
        "comentarios": incremento.comentarios,
        "total_eventos": incremento.vistas
        + incremento.clics
        + incremento.conversiones
        + incremento.engagement
        + incremento.compartidos
        + incremento.comentarios,
    }
