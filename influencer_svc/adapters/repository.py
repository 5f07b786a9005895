"""Loading and saving the two aggregates, with the locks that keep capacity right.

A reaction to one campaign first takes the campaign's lock (a transaction advisory lock, so
even a campaign with no row yet is serialized), then the influencer rows it needs with
``SELECT ... FOR UPDATE`` ordered by id. Unknown influencers are first registered with
``INSERT ... ON CONFLICT DO NOTHING`` in key order, then locked like the others: sagas
naming the same influencers queue on the same rows in the same order, so capacity is
counted under a lock and no two transactions wait on each other in a cycle.
Saving checks the version that was loaded (optimistic locking on top of the row locks), and
hands what it stored to the unit of work (``collect``), which publishes the aggregates' pending
events when the work commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from alpes.seedwork import Aggregate, ConcurrencyConflict
from influencer_svc.domain import (
    AsignacionCampana,
    CarteraInfluencers,
    DatosInfluencerInvalidos,
    EstadoAsignacion,
    Influencer,
    InfluencerSolicitado,
)

from .orm import asignaciones, clave_de, influencers

LOCK_CLASS_CAMPANA = 0x1F1  # the advisory-lock namespace (first key) of campaign locks

Collect = Callable[[Aggregate], None]


def _ignore(aggregate: Aggregate) -> None:
    """Outside a unit of work nothing publishes what is stored."""


def _influencer(row: Any) -> Influencer:
    return Influencer(
        id_influencer=row.id_influencer,
        nombre=row.nombre,
        plataforma=row.plataforma,
        seguidores=row.seguidores,
        categoria=row.categoria,
        activo=row.activo,
        campanas_activas=row.campanas_activas,
        version=row.version,
    )


def _fila(influencer: Influencer) -> dict[str, Any]:
    return {
        "id_influencer": influencer.id_influencer,
        "nombre": influencer.nombre,
        "plataforma": influencer.plataforma,
        "clave": clave_de(influencer.nombre, influencer.plataforma),
        "seguidores": influencer.seguidores,
        "categoria": influencer.categoria,
        "activo": influencer.activo,
        "campanas_activas": influencer.campanas_activas,
        "version": influencer.version,
    }


class InfluencerRepository:
    """Influencers of one transaction; remembers what it loaded to save only the changes."""

    def __init__(self, session: AsyncSession, collect: Collect = _ignore) -> None:
        self._session = session
        self._collect = collect
        self._cargados: dict[str, tuple[Influencer, int]] = {}

    async def add(self, influencer: Influencer) -> bool:
        """Insert a new influencer; False when its (nombre, plataforma) already exists."""
        result = await self._session.execute(
            insert(influencers)
            .values(_fila(influencer))
            .on_conflict_do_nothing()
            .returning(influencers.c.id_influencer)
        )
        if result.first() is None:
            return False
        self._collect(influencer)
        return True

    async def get(self, id_influencer: str) -> Influencer | None:
        """One influencer, locked for this transaction."""
        encontrados = await self._lock(influencers.c.id_influencer == id_influencer)
        return encontrados[0] if encontrados else None

    async def cartera(self, ids: Sequence[str]) -> CarteraInfluencers:
        """The influencers of ``ids``, locked in id order."""
        return CarteraInfluencers(await self._lock(influencers.c.id_influencer.in_(ids)))

    async def cartera_para(self, solicitados: Sequence[InfluencerSolicitado]) -> CarteraInfluencers:
        """Every requested influencer, registering the unknown ones first, all locked."""
        await self._registrar_si_faltan(solicitados)
        ids = [s.id_influencer for s in solicitados if s.id_influencer]
        claves = [clave_de(s.nombre, s.plataforma) for s in solicitados]
        return CarteraInfluencers(
            await self._lock(
                or_(influencers.c.id_influencer.in_(ids), influencers.c.clave.in_(claves))
            )
        )

    async def _registrar_si_faltan(self, solicitados: Sequence[InfluencerSolicitado]) -> None:
        nuevos: dict[str, dict[str, Any]] = {}
        for s in solicitados:
            try:
                influencer = Influencer.registrar(
                    s.nombre, s.plataforma, s.seguidores, s.categoria, id_influencer=s.id_influencer
                )
            except DatosInfluencerInvalidos:
                continue  # the domain rejects the assignment when it meets it
            fila = _fila(influencer)
            nuevos.setdefault(fila["clave"], fila)
        if nuevos:  # in key order, so concurrent registrations never wait in a cycle
            filas = [nuevos[clave] for clave in sorted(nuevos)]
            await self._session.execute(insert(influencers).values(filas).on_conflict_do_nothing())

    async def _lock(self, condicion: Any) -> list[Influencer]:
        rows = await self._session.execute(
            select(influencers)
            .where(condicion)
            .order_by(influencers.c.id_influencer)
            .with_for_update()
        )
        cargados = [_influencer(row) for row in rows]
        for influencer in cargados:
            self._cargados[influencer.id_influencer] = (influencer, influencer.version)
        return cargados

    async def save(self, nuevos: Iterable[Influencer] = ()) -> None:
        """Write every loaded influencer that changed, and insert ``nuevos``."""
        for influencer, version in list(self._cargados.values()):
            if influencer.version != version:
                await self._actualizar(influencer, version)
                self._cargados[influencer.id_influencer] = (influencer, influencer.version)
                self._collect(influencer)
        for influencer in nuevos:
            await self._session.execute(insert(influencers).values(_fila(influencer)))
            self._cargados[influencer.id_influencer] = (influencer, influencer.version)
            self._collect(influencer)

    async def _actualizar(self, influencer: Influencer, version: int) -> None:
        tabla = influencers
        result = await self._session.execute(
            tabla.update()
            .where(tabla.c.id_influencer == influencer.id_influencer, tabla.c.version == version)
            .values(
                activo=influencer.activo,
                campanas_activas=influencer.campanas_activas,
                version=influencer.version,
            )
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise ConcurrencyConflict(f"influencer {influencer.id_influencer} cambio")


class AsignacionRepository:
    """The assignments of campaigns; a campaign is locked before it is read."""

    def __init__(self, session: AsyncSession, collect: Collect = _ignore) -> None:
        self._session = session
        self._collect = collect
        self._versiones: dict[str, int] = {}

    async def lock(self, id_campana: str) -> AsignacionCampana | None:
        """Take the campaign's lock until commit, then read its assignment (None if unseen)."""
        await self._session.execute(
            select(func.pg_advisory_xact_lock(LOCK_CLASS_CAMPANA, func.hashtext(id_campana)))
        )
        row = (
            await self._session.execute(
                select(asignaciones).where(asignaciones.c.id_campana == id_campana)
            )
        ).first()
        if row is None:
            return None
        self._versiones[row.id_campana] = row.version
        return AsignacionCampana(
            id_campana=row.id_campana,
            ids_influencer=list(row.ids_influencer),
            estado=EstadoAsignacion(row.estado),
            motivo=row.motivo,
            version=row.version,
        )

    async def save(self, asignacion: AsignacionCampana) -> None:
        valores = {
            "ids_influencer": list(asignacion.ids_influencer),
            "estado": str(asignacion.estado),
            "motivo": asignacion.motivo,
            "version": asignacion.version,
        }
        cargada = self._versiones.get(asignacion.id_campana)
        if cargada is None:
            await self._session.execute(
                asignaciones.insert().values(id_campana=asignacion.id_campana, **valores)
            )
        elif cargada != asignacion.version:
            result = await self._session.execute(
                asignaciones.update()
                .where(
                    asignaciones.c.id_campana == asignacion.id_campana,
                    asignaciones.c.version == cargada,
                )
                .values(**valores)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                raise ConcurrencyConflict(f"asignacion {asignacion.id_campana} cambio")
        self._versiones[asignacion.id_campana] = asignacion.version
        self._collect(asignacion)
