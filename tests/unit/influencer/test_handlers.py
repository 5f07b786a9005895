"""influencer's use cases on a fake unit of work: what they store and what they publish."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence

import pytest

from alpes.seedwork import MOTIVO_FINALIZADA, UnitOfWork
from influencer_svc.application import commands, handlers
from influencer_svc.application.errors import (
    InfluencerNoEncontrado,
    InfluencerYaRegistrado,
    ReactivacionNoSoportada,
)
from influencer_svc.domain import (
    AsignacionCampana,
    AsignacionInfluencersRechazada,
    CarteraInfluencers,
    DatosInfluencerInvalidos,
    EstadoAsignacion,
    Influencer,
    InfluencerDesactivado,
    InfluencerRegistrado,
    InfluencersAsignados,
    InfluencersLiberados,
    InfluencerSolicitado,
)
from tests.unit.fakes import FakePasos, FakeUnitOfWork


class FakeInfluencers:
    """Influencers by id, found by id or by (nombre, plataforma) like the real repository; what
    a work loads is tracked, and ``save()`` stores (a copy of) what changed."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.rows: dict[str, Influencer] = {}
        self._collect = uow.collect
        self._cargados: dict[str, tuple[Influencer, int]] = {}

    def _store(self, influencer: Influencer) -> None:
        stored = copy.deepcopy(influencer)
        stored.eventos.clear()
        self.rows[influencer.id_influencer] = stored
        self._cargados[influencer.id_influencer] = (influencer, influencer.version)
        self._collect(influencer)

    def _load(self, ids: Iterable[str]) -> list[Influencer]:
        cargados = [copy.deepcopy(self.rows[id_]) for id_ in sorted(set(ids)) if id_ in self.rows]
        for influencer in cargados:
            self._cargados[influencer.id_influencer] = (influencer, influencer.version)
        return cargados

    async def add(self, influencer: Influencer) -> bool:
        if any(r.clave == influencer.clave for r in self.rows.values()):
            return False
        self._store(influencer)
        return True

    async def get(self, id_influencer: str) -> Influencer | None:
        encontrados = self._load([id_influencer])
        return encontrados[0] if encontrados else None

    async def cartera(self, ids: Sequence[str]) -> CarteraInfluencers:
        return CarteraInfluencers(self._load(ids))

    async def cartera_para(self, solicitados: Sequence[InfluencerSolicitado]) -> CarteraInfluencers:
        for s in solicitados:
            if s.id_influencer in self.rows or any(r.clave == s.clave for r in self.rows.values()):
                continue
            try:
                nuevo = Influencer.registrar(
                    s.nombre, s.plataforma, s.seguidores, s.categoria, id_influencer=s.id_influencer
                )
            except DatosInfluencerInvalidos:
                continue
            nuevo.eventos.clear()  # registered on the way: the real one inserts a bare row
            self.rows[nuevo.id_influencer] = nuevo
        claves = {s.clave for s in solicitados}
        ids = {s.id_influencer for s in solicitados if s.id_influencer}
        return CarteraInfluencers(
            self._load(id_ for id_, r in self.rows.items() if id_ in ids or r.clave in claves)
        )

    async def save(self, nuevos: Iterable[Influencer] = ()) -> None:
        for influencer, version in list(self._cargados.values()):
            if influencer.version != version:
                self._store(influencer)
        for influencer in nuevos:
            self._store(influencer)


class FakeInfluencerUnitOfWork(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.influencers = FakeInfluencers(self)
        self.asignaciones = FakePasos[AsignacionCampana](self)


def pedido(nombre: str, plataforma: str = "IG") -> InfluencerSolicitado:
    return InfluencerSolicitado(nombre=nombre, plataforma=plataforma, seguidores=10, categoria="x")


def asignar(
    id_campana: str = "c-1", *nombres: str, max_campanas: int = 3
) -> commands.AsignarInfluencers:
    return commands.AsignarInfluencers(
        id_campana=id_campana,
        solicitados=[pedido(n) for n in nombres or ("Ana", "Carlos")],
        max_campanas=max_campanas,
    )


def por_nombre(uow: FakeInfluencerUnitOfWork, nombre: str) -> Influencer:
    [encontrado] = [i for i in uow.influencers.rows.values() if i.nombre == nombre]
    return encontrado


async def registrado(uow: FakeInfluencerUnitOfWork, nombre: str) -> Influencer:
    influencer = await handlers.registrar_influencer(
        commands.RegistrarInfluencer(nombre=nombre, plataforma="IG", seguidores=10, categoria="x"),
        uow,
    )
    uow.commit()
    return influencer


async def test_a_campaign_assigns_every_influencer_registering_the_unknown_ones() -> None:
    uow = FakeInfluencerUnitOfWork()
    ana = await registrado(uow, "Ana")

    await handlers.asignar_influencers(asignar("c-1", "Ana", "Carlos"), uow)

    [asignados] = uow.commit()
    carlos = por_nombre(uow, "Carlos")
    assert isinstance(asignados, InfluencersAsignados)
    assert [a.id_influencer for a in asignados.asignaciones] == [
        ana.id_influencer,
        carlos.id_influencer,
    ]
    assert (uow.influencers.rows[ana.id_influencer].campanas_activas, carlos.campanas_activas) == (
        1,
        1,
    )
    stored = uow.asignaciones.rows["c-1"]
    assert stored.estado is EstadoAsignacion.ASIGNADA
    assert stored.ids_influencer == [ana.id_influencer, carlos.id_influencer]


async def test_a_repeated_campaign_publishes_and_takes_nothing_more() -> None:
    uow = FakeInfluencerUnitOfWork()
    await handlers.asignar_influencers(asignar("c-1", "Ana"), uow)
    uow.commit()

    await handlers.asignar_influencers(asignar("c-1", "Ana"), uow)

    assert uow.commit() == []
    assert por_nombre(uow, "Ana").campanas_activas == 1


async def test_an_influencer_at_capacity_rejects_the_whole_assignment() -> None:
    uow = FakeInfluencerUnitOfWork()
    await handlers.asignar_influencers(asignar("c-1", "Ana", max_campanas=1), uow)
    uow.commit()

    await handlers.asignar_influencers(asignar("c-2", "Carlos", "Ana", max_campanas=1), uow)

    [rechazo] = uow.commit()
    assert isinstance(rechazo, AsignacionInfluencersRechazada) and not rechazo.tecnico
    assert uow.asignaciones.rows["c-2"].estado is EstadoAsignacion.RECHAZADA
    assert (
        por_nombre(uow, "Ana").campanas_activas,
        por_nombre(uow, "Carlos").campanas_activas,
    ) == (
        1,
        0,
    )


async def test_a_cancellation_releases_the_influencers_once() -> None:
    uow = FakeInfluencerUnitOfWork()
    await handlers.asignar_influencers(asignar("c-1", "Ana", "Carlos"), uow)
    uow.commit()
    ids = uow.asignaciones.rows["c-1"].ids_influencer

    await handlers.liberar_influencers(
        commands.LiberarInfluencers(id_campana="c-1", motivo="usuario"), uow
    )
    await handlers.liberar_influencers(
        commands.LiberarInfluencers(id_campana="c-1", motivo="otra"), uow
    )

    assert uow.commit() == [
        InfluencersLiberados(id_campana="c-1", ids_influencer=tuple(ids), motivo="usuario")
    ]
    assert [uow.influencers.rows[id_].campanas_activas for id_ in ids] == [0, 0]
    assert uow.asignaciones.rows["c-1"].estado is EstadoAsignacion.LIBERADA


async def test_a_cancellation_before_the_campaign_leaves_a_tombstone_that_blocks_it() -> None:
    uow = FakeInfluencerUnitOfWork()
    await handlers.liberar_influencers(
        commands.LiberarInfluencers(id_campana="c-1", motivo="plazo"), uow
    )
    assert uow.commit() == [
        InfluencersLiberados(id_campana="c-1", ids_influencer=(), motivo="plazo")
    ]

    await handlers.asignar_influencers(asignar("c-1", "Ana"), uow)

    assert uow.commit() == []
    assert uow.influencers.rows == {}
    assert uow.asignaciones.rows["c-1"].estado is EstadoAsignacion.CANCELADA_ANTES


async def test_a_finished_campaign_gives_the_capacity_back() -> None:
    uow = FakeInfluencerUnitOfWork()
    await handlers.asignar_influencers(asignar("c-1", "Ana"), uow)
    uow.commit()

    await handlers.finalizar_asignacion(commands.FinalizarAsignacion(id_campana="c-1"), uow)
    await handlers.finalizar_asignacion(commands.FinalizarAsignacion(id_campana="c-unknown"), uow)

    [liberados] = uow.commit()
    assert isinstance(liberados, InfluencersLiberados) and liberados.motivo == MOTIVO_FINALIZADA
    assert por_nombre(uow, "Ana").campanas_activas == 0
    assert uow.asignaciones.rows["c-1"].estado is EstadoAsignacion.FINALIZADA
    assert "c-unknown" not in uow.asignaciones.rows


async def test_a_technical_failure_is_published_once_and_an_outcome_stands() -> None:
    uow = FakeInfluencerUnitOfWork()
    fallo = commands.RechazarPorFalloTecnico(id_campana="c-1", motivo="fallo tecnico")
    await handlers.asignar_influencers(asignar("c-2", "Ana"), uow)
    uow.commit()

    await handlers.rechazar_por_fallo_tecnico(fallo, uow)
    await handlers.rechazar_por_fallo_tecnico(fallo, uow)
    await handlers.rechazar_por_fallo_tecnico(
        commands.RechazarPorFalloTecnico(id_campana="c-2", motivo="fallo tecnico"), uow
    )

    [rechazo] = uow.commit()
    assert isinstance(rechazo, AsignacionInfluencersRechazada) and rechazo.tecnico
    assert rechazo.id_campana == "c-1"
    assert uow.asignaciones.rows["c-2"].estado is EstadoAsignacion.ASIGNADA


async def test_an_influencer_is_registered_once_by_name_and_platform() -> None:
    uow = FakeInfluencerUnitOfWork()
    ana = await handlers.registrar_influencer(
        commands.RegistrarInfluencer(nombre="Ana", plataforma="IG", seguidores=10, categoria="x"),
        uow,
    )

    with pytest.raises(InfluencerYaRegistrado):
        await handlers.registrar_influencer(
            commands.RegistrarInfluencer(
                nombre=" ANA ", plataforma="ig", seguidores=5, categoria="y"
            ),
            uow,
        )

    assert [type(e) for e in uow.commit()] == [InfluencerRegistrado]
    assert list(uow.influencers.rows) == [ana.id_influencer]


async def test_deactivation_is_stored_once_and_never_undone() -> None:
    uow = FakeInfluencerUnitOfWork()
    ana = await registrado(uow, "Ana")
    desactivar = commands.CambiarActividad(id_influencer=ana.id_influencer, activo=False)

    await handlers.cambiar_actividad(desactivar, uow)
    await handlers.cambiar_actividad(desactivar, uow)
    with pytest.raises(ReactivacionNoSoportada):
        await handlers.cambiar_actividad(
            commands.CambiarActividad(id_influencer=ana.id_influencer, activo=True), uow
        )
    with pytest.raises(InfluencerNoEncontrado):
        await handlers.cambiar_actividad(
            commands.CambiarActividad(id_influencer="x", activo=False), uow
        )

    assert uow.commit() == [InfluencerDesactivado(id_influencer=ana.id_influencer)]
    assert uow.influencers.rows[ana.id_influencer].activo is False


async def test_an_inactive_influencer_rejects_a_campaign() -> None:
    uow = FakeInfluencerUnitOfWork()
    ana = await registrado(uow, "Ana")
    await handlers.cambiar_actividad(
        commands.CambiarActividad(id_influencer=ana.id_influencer, activo=False), uow
    )
    uow.commit()

    await handlers.asignar_influencers(asignar("c-1", "Ana"), uow)

    [rechazo] = uow.commit()
    assert isinstance(rechazo, AsignacionInfluencersRechazada)
    assert uow.influencers.rows[ana.id_influencer].campanas_activas == 0
