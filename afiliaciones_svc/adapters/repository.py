"""The campaign repository: loads and stores the ``Campana`` aggregate with SQLAlchemy Core.

Every write of a campaign goes through a row lock (``lock``, ``vencidas`` or ``sin_compensar``)
taken in the same transaction, so the three participants' outcomes, the user and the deadline
job never interleave on one campaign. ``save`` also checks ``version``: an update that finds
another version raises ``ConcurrencyConflict`` instead of overwriting it.

``add`` and ``save`` store the state and append the pending timeline lines, then hand the
campaign to the unit of work (``collect``), which publishes its pending events when the work
commits. ``save`` of a campaign with nothing pending stores nothing (see ``save``).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, or_, select

from afiliaciones_svc.adapters.orm import campanas, linea_de_tiempo_saga
from afiliaciones_svc.domain.model import Campana
from afiliaciones_svc.domain.saga import EstadoSaga, OrigenCancelacion, Participante, ProgresoSaga
from afiliaciones_svc.domain.values import EstadoCampana, InfluencerInfo, MarcaRef, TipoCampana
from alpes.repository import Repository


class CampanaRepository(Repository):
    async def lock(self, id_campana: str) -> Campana | None:
        """The campaign, its row locked until the transaction ends; None if unknown."""
        row = await self.read(campanas, id_campana, for_update=True)
        return None if row is None else _campana(row)

    async def vencidas(self, ahora: datetime, limit: int) -> list[Campana]:
        """Up to ``limit`` campaigns still ``creada`` past their deadline, locked; rows another
        transaction holds are skipped (that one is handling them)."""
        query = (
            select(campanas)
            .where(campanas.c.estado == EstadoCampana.CREADA, campanas.c.plazo_saga <= ahora)
            .order_by(campanas.c.plazo_saga)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        rows = (await self.session.execute(query)).mappings().all()
        return [_campana(row) for row in rows]

    async def sin_compensar(
        self, canceladas_antes_de: datetime, ahora: datetime, limit: int
    ) -> list[Campana]:
        """Up to ``limit`` sagas still ``compensando`` that were cancelled before
        ``canceladas_antes_de`` and are due for another look, locked (others skipped)."""
        cancelada_en = func.coalesce(campanas.c.cancelada_en, campanas.c.fecha_creacion)
        query = (
            select(campanas)
            .where(
                campanas.c.estado_saga == EstadoSaga.COMPENSANDO,
                cancelada_en <= canceladas_antes_de,
                or_(campanas.c.revisar_en.is_(None), campanas.c.revisar_en <= ahora),
            )
            .order_by(campanas.c.revisar_en.nulls_first())
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        rows = (await self.session.execute(query)).mappings().all()
        return [_campana(row) for row in rows]

    async def add(self, campana: Campana) -> None:
        await self.store(campanas, campana.id, _columnas(campana), version=campana.version)
        await self._append_timeline(campana)
        self.collect(campana)

    async def save(self, campana: Campana) -> None:
        """Store a campaign loaded (and locked) in this transaction.

        Every change of a campaign leaves a timeline line, so with none pending and no
        pending event (a repeated outcome, say) there is nothing to store: the row, its version
        included, is left as it was."""
        if not campana.linea_de_tiempo_nueva and not campana.eventos:
            return
        await self.update(
            campanas,
            campana.id,
            _columnas(campana),
            read=campana.version,
            version=campana.version + 1,
            conflict=f"La campaña {campana.id} fue modificada en paralelo; reintente.",
        )
        campana.version += 1
        await self._append_timeline(campana)
        self.collect(campana)

    async def _append_timeline(self, campana: Campana) -> None:
        """Append the pending timeline lines (the pending events are the unit of work's)."""
        if campana.linea_de_tiempo_nueva:
            await self.session.execute(
                insert(linea_de_tiempo_saga),
                [
                    {
                        "id_saga": campana.id_saga,
                        "id_campana": campana.id,
                        "evento": entrada.evento,
                        "origen": entrada.origen,
                        "ocurrido_en": entrada.ocurrido_en,
                        "motivo": entrada.motivo,
                    }
                    for entrada in campana.linea_de_tiempo_nueva
                ],
            )
        campana.linea_de_tiempo_nueva.clear()


def _columnas(campana: Campana) -> dict[str, Any]:
    """Every column but ``id`` (the key) and ``version`` (the lock)."""
    progreso = campana.progreso
    return {
        "nombre": campana.nombre,
        "descripcion": campana.descripcion,
        "tipo": campana.tipo.value,
        "estado": campana.estado.value,
        "fecha_creacion": campana.fecha_creacion,
        "fecha_inicio": campana.fecha_inicio,
        "fecha_fin": campana.fecha_fin,
        "presupuesto": campana.presupuesto,
        "id_marca": campana.marca.id_marca,
        "nombre_marca": campana.marca.nombre_marca,
        "influencers": [asdict(i) for i in campana.influencers],  # InfluencerInfo(**i) again
        "id_saga": campana.id_saga,
        "id_correlacion": campana.id_correlacion,
        "plazo_saga": campana.plazo_saga,
        "estado_saga": campana.estado_saga.value,
        "exitos": _nombres(progreso.exitos),
        "fallos": _nombres(progreso.fallos),
        "compensaciones": _nombres(progreso.compensaciones),
        "motivo_cancelacion": campana.motivo_cancelacion,
        "origen_cancelacion": campana.origen_cancelacion and campana.origen_cancelacion.value,
        "cancelada_en": campana.cancelada_en,
        "revisar_en": campana.revisar_en,
    }


def _campana(row: Any) -> Campana:
    return Campana(
        id=row["id"],
        nombre=row["nombre"],
        descripcion=row["descripcion"],
        tipo=TipoCampana(row["tipo"]),
        fecha_inicio=row["fecha_inicio"],
        fecha_fin=row["fecha_fin"],
        presupuesto=row["presupuesto"],
        marca=MarcaRef(row["id_marca"], row["nombre_marca"]),
        influencers=tuple(InfluencerInfo(**i) for i in row["influencers"]),
        estado=EstadoCampana(row["estado"]),
        fecha_creacion=row["fecha_creacion"],
        id_saga=row["id_saga"],
        id_correlacion=row["id_correlacion"],
        plazo_saga=row["plazo_saga"],
        progreso=ProgresoSaga(
            exitos=_participantes(row["exitos"]),
            fallos=_participantes(row["fallos"]),
            compensaciones=_participantes(row["compensaciones"]),
        ),
        motivo_cancelacion=row["motivo_cancelacion"],
        origen_cancelacion=(
            OrigenCancelacion(row["origen_cancelacion"]) if row["origen_cancelacion"] else None
        ),
        cancelada_en=row["cancelada_en"],
        revisar_en=row["revisar_en"],
        version=row["version"],
    )


def _nombres(participantes: frozenset[Participante]) -> list[str]:
    return sorted(p.value for p in participantes)


def _participantes(nombres: list[str]) -> frozenset[Participante]:
    return frozenset(Participante(n) for n in nombres)
