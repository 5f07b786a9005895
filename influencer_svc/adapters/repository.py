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

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select
from sqlalchemy.dialects.postgresql import insert

from alpes.repository import Collect, Repository, ignore
from influencer_svc.domain import (
    AsignacionCampana,
    CarteraInfluencers,
    DatosInfluencerInvalidos,
    EstadoAsignacion,
    Influencer,
    InfluencerSolicitado,
)

from .orm import asignaciones, clave_de, influencers

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

_COLUMNAS_INFLUENCER = [c for c in influencers.c if c.key != "clave"]
"""The columns of an ``Influencer``, named as its fields (``clave`` derives from two of them)."""


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


class InfluencerRepository(Repository):
    """Influencers of one transaction; remembers what it loaded to save only the changes."""

    def __init__(self, session: AsyncSession, collect: Collect = ignore) -> None:
        super().__init__(session, collect)
        self._cargados: dict[str, Influencer] = {}

    async def add(self, influencer: Influencer) -> bool:
        """Insert a new influencer; False when its (nombre, plataforma) already exists."""
        result = await self.session.execute(
            insert(influencers)
            .values(_fila(influencer))
            .on_conflict_do_nothing()
            .returning(influencers.c.id_influencer)
        )
        if result.first() is None:
            return False
        self.collect(influencer)
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
            await self.session.execute(insert(influencers).values(filas).on_conflict_do_nothing())

    async def _lock(self, condicion: Any) -> list[Influencer]:
        rows = await self.session.execute(
            select(*_COLUMNAS_INFLUENCER)
            .where(condicion)
            .order_by(influencers.c.id_influencer)
            .with_for_update()
        )
        cargados = [Influencer(**row) for row in rows.mappings()]
        for influencer in cargados:
            self._cargados[influencer.id_influencer] = influencer
            self.versions[influencer.id_influencer] = influencer.version
        return cargados

    async def save(self, nuevos: Iterable[Influencer] = ()) -> None:
        """Write every loaded influencer that changed, and insert ``nuevos``."""
        for influencer in list(self._cargados.values()):
            if influencer.version != self.versions[influencer.id_influencer]:
                await self.store(
                    influencers,
                    influencer.id_influencer,
                    {"activo": influencer.activo, "campanas_activas": influencer.campanas_activas},
                    version=influencer.version,
                    conflict=f"influencer {influencer.id_influencer} cambio",
                )
                self.collect(influencer)
        for influencer in nuevos:
            await self.session.execute(insert(influencers).values(_fila(influencer)))
            self._cargados[influencer.id_influencer] = influencer
            self.versions[influencer.id_influencer] = influencer.version
            self.collect(influencer)


class AsignacionRepository(Repository):
    """The assignments of campaigns; a campaign is locked before it is read."""

    async def lock(self, id_campana: str) -> AsignacionCampana | None:
        """Take the campaign's lock until commit, then read its assignment (None if unseen)."""
        await self.lock_campaign(id_campana)
        row = await self.read(asignaciones, id_campana)
        if row is None:
            return None
        return AsignacionCampana(
            id_campana=row["id_campana"],
            ids_influencer=list(row["ids_influencer"]),
            estado=EstadoAsignacion(row["estado"]),
            motivo=row["motivo"],
            version=row["version"],
        )

    async def save(self, asignacion: AsignacionCampana) -> None:
        await self.store(
            asignaciones,
            asignacion.id_campana,
            {
                "ids_influencer": list(asignacion.ids_influencer),
                "estado": str(asignacion.estado),
                "motivo": asignacion.motivo,
            },
            version=asignacion.version,
            conflict=f"asignacion {asignacion.id_campana} cambio",
        )
        self.collect(asignacion)
