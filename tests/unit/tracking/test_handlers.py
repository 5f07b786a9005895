"""tracking's use cases on fakes: what the saga's reactions store and publish (a fake unit of
work), and what ingestion stores, counts and answers (a fake of its storage)."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Callable, Collection, Mapping
from contextlib import asynccontextmanager
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

import contracts as c
from alpes.commands import RechazarPorFalloTecnico
from alpes.seedwork import MOTIVO_FINALIZADA
from tests.helpers import envoltura
from tests.unit.fakes import FakePasos, FakeUnitOfWork
from tracking_svc.adapters import translators
from tracking_svc.application import handlers
from tracking_svc.application.commands import (
    CerrarTracking,
    DeshabilitarTracking,
    HabilitarTracking,
    RegistrarEvento,
)
from tracking_svc.application.errors import CampanaNoEncontrada, EventoRechazado
from tracking_svc.application.handlers import Registro
from tracking_svc.application.ports import AbrirEventos, EventoNuevo, EventosNuevos
from tracking_svc.domain import (
    CampanaNoActiva,
    CampanaTracking,
    CodigoDesconocido,
    EstadoTracking,
    FuenteAleatoria,
    HabilitacionTrackingRechazada,
    Incremento,
    InfluencerATrackear,
    TipoEventoDesconocido,
    TrackingDeshabilitado,
    TrackingHabilitado,
)
from tracking_svc.entrypoints import subscribers

# --- the saga, on a fake unit of work ---


class FakeTrackingUnitOfWork(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.campanas = FakePasos[CampanaTracking](self)


ANA = InfluencerATrackear(id_influencer="i-1", nombre="Ana", plataforma="Instagram")
ANA_OTRA_VEZ = InfluencerATrackear(nombre=" ana ", plataforma="INSTAGRAM")
CARLOS = InfluencerATrackear(nombre="Carlos", plataforma="TikTok")


def secuencia() -> FuenteAleatoria:
    contador = itertools.count(1)
    return lambda n: next(contador).to_bytes(n, "big")


async def habilitar(uow: FakeTrackingUnitOfWork, id_campana: str = "c-1") -> None:
    cmd = HabilitarTracking(id_campana, "m-1", (ANA, ANA_OTRA_VEZ, CARLOS))
    await handlers.habilitar_tracking(cmd, uow, secuencia())


async def test_a_created_campaign_gets_one_code_per_influencer_and_publishes_them() -> None:
    uow = FakeTrackingUnitOfWork()

    await habilitar(uow)

    [habilitado] = uow.commit()
    stored = uow.campanas.rows["c-1"]
    assert stored.estado == EstadoTracking.ACTIVA and stored.id_marca == "m-1"
    assert [(k.nombre, k.plataforma) for k in stored.codigos] == [
        ("Ana", "Instagram"),
        ("Carlos", "TikTok"),
    ]
    assert isinstance(habilitado, TrackingHabilitado)
    assert [k.codigo for k in habilitado.codigos] == [k.codigo for k in stored.codigos]
    assert len({k.codigo for k in stored.codigos}) == 2


async def test_a_repeated_creation_publishes_nothing_and_keeps_the_codes() -> None:
    uow = FakeTrackingUnitOfWork()
    await habilitar(uow)
    uow.commit()
    codigos = [k.codigo for k in uow.campanas.rows["c-1"].codigos]

    await handlers.habilitar_tracking(HabilitarTracking("c-1", "m-1", (ANA,)), uow)

    assert uow.commit() == []
    assert [k.codigo for k in uow.campanas.rows["c-1"].codigos] == codigos


async def test_a_cancellation_disables_every_code_and_is_published_once() -> None:
    uow = FakeTrackingUnitOfWork()
    await habilitar(uow)
    uow.commit()

    await handlers.deshabilitar_tracking(DeshabilitarTracking("c-1", "cancelada"), uow)
    await handlers.deshabilitar_tracking(DeshabilitarTracking("c-1", "otra vez"), uow)

    assert uow.commit() == [TrackingDeshabilitado(id_campana="c-1", motivo="cancelada")]
    stored = uow.campanas.rows["c-1"]
    assert (stored.estado, stored.motivo) == (EstadoTracking.DESHABILITADA, "cancelada")
    assert not any(k.activo for k in stored.codigos)


async def test_a_cancellation_before_the_creation_leaves_a_tombstone_that_blocks_enabling() -> None:
    uow = FakeTrackingUnitOfWork()
    await handlers.deshabilitar_tracking(DeshabilitarTracking("c-1", "cancelada"), uow)
    assert uow.commit() == [TrackingDeshabilitado(id_campana="c-1", motivo="cancelada")]

    await habilitar(uow)

    assert uow.commit() == []
    stored = uow.campanas.rows["c-1"]
    assert stored.estado == EstadoTracking.CANCELADA_ANTES and stored.codigos == []


async def test_a_finished_campaign_closes_and_an_unknown_one_is_left_alone() -> None:
    uow = FakeTrackingUnitOfWork()
    await handlers.cerrar_tracking(CerrarTracking("desconocida"), uow)
    assert uow.commit() == [] and uow.campanas.rows == {}
    await habilitar(uow)
    uow.commit()

    await handlers.cerrar_tracking(CerrarTracking("c-1"), uow)

    assert uow.commit() == [TrackingDeshabilitado(id_campana="c-1", motivo=MOTIVO_FINALIZADA)]
    assert uow.campanas.rows["c-1"].estado == EstadoTracking.FINALIZADA


async def test_a_technical_failure_is_published_once_and_an_outcome_stands() -> None:
    uow = FakeTrackingUnitOfWork()
    fallo = RechazarPorFalloTecnico("c-1", "m-1", "fallo tecnico")

    await handlers.rechazar_por_fallo_tecnico(fallo, uow)
    await handlers.rechazar_por_fallo_tecnico(fallo, uow)
    await habilitar(uow)

    assert uow.commit() == [
        HabilitacionTrackingRechazada(id_campana="c-1", motivo="fallo tecnico", tecnico=True)
    ]
    assert uow.campanas.rows["c-1"].estado == EstadoTracking.RECHAZADA


async def test_a_technical_failure_after_enabling_publishes_nothing() -> None:
    uow = FakeTrackingUnitOfWork()
    await habilitar(uow)
    uow.commit()

    await handlers.rechazar_por_fallo_tecnico(RechazarPorFalloTecnico("c-1", "m-1", "x"), uow)

    assert uow.commit() == []
    assert uow.campanas.rows["c-1"].estado == EstadoTracking.ACTIVA


async def test_another_participants_failure_compensates_with_its_reason() -> None:
    uow = FakeTrackingUnitOfWork()
    rechazo = c.ReservaPresupuestoRechazada(
        **envoltura("c-1", id_saga="saga-1", id_correlacion="corr-1"),
        id_marca="m-1",
        motivo="sin presupuesto",
        tecnico=False,
    )

    await subscribers.when_campana_cancelada_deshabilitar(rechazo, uow)

    [deshabilitado] = uow.commit()
    assert deshabilitado == TrackingDeshabilitado(id_campana="c-1", motivo="sin presupuesto")
    contrato = translators.a_contrato(deshabilitado, rechazo)
    assert isinstance(contrato, c.TrackingDeshabilitado)
    assert (contrato.id_saga, contrato.id_correlacion) == ("saga-1", "corr-1")


# --- ingestion, on a fake of its storage ---


class FakeEventos:
    """Campaigns, stored events and counters in dictionaries; counts its reads and writes.
    ``antes_de_escribir`` runs just before a write (a concurrent writer's chance); with
    ``pierde_escrituras`` a write reports nothing inserted, and stores nothing either."""

    def __init__(self, *campanas: CampanaTracking) -> None:
        self.campanas = {k.id_campana: k for k in campanas}
        self.guardados: dict[UUID, EventoNuevo] = {}
        self.contadores: dict[str, Incremento] = {}
        self.lecturas = self.escrituras = self.aperturas = 0
        self.antes_de_escribir: Callable[[], object] = lambda: None
        self.pierde_escrituras = False

    def abrir(self) -> AbrirEventos:
        @asynccontextmanager
        async def abierto() -> AsyncIterator[FakeEventos]:
            self.aperturas += 1
            yield self

        return abierto

    async def aceptacion(
        self, ids: Collection[str], codigos: Collection[str]
    ) -> Mapping[str, CampanaTracking]:
        self.lecturas += 1
        return {i: self.campanas[i] for i in ids if i in self.campanas}

    async def eventos(self, ids: Collection[UUID]) -> dict[UUID, EventoNuevo]:
        return {i: self.guardados[i] for i in ids if i in self.guardados}

    async def add(self, nuevos: EventosNuevos) -> set[UUID]:
        self.escrituras += 1
        if self.pierde_escrituras:
            return set()
        self.antes_de_escribir()
        assert nuevos.ids_del_cliente or not any(e.id in self.guardados for e in nuevos.eventos)
        insertados: set[UUID] = set()
        for evento, incremento in zip(nuevos.eventos, nuevos.incrementos, strict=True):
            if evento.id in self.guardados:
                continue
            self.guardados[evento.id] = evento
            insertados.add(evento.id)
            self.contadores[evento.id_campana] = (
                self.contadores.get(evento.id_campana, Incremento()) + incremento
            )
        return insertados


def aceptado(resultado: list[Registro] | EventoRechazado) -> list[Registro]:
    assert not isinstance(resultado, EventoRechazado), resultado
    return resultado


def activa(id_campana: str = "c-1") -> CampanaTracking:
    campana = CampanaTracking.habilitar(id_campana, "m-1", [ANA], secuencia())
    campana.eventos.clear()
    return campana


def evento(
    tipo: str = "vista", id_campana: str = "c-1", codigo: str | None = None, **datos: object
) -> RegistrarEvento:
    return RegistrarEvento(id_campana=id_campana, tipo_evento=tipo, codigo=codigo, datos=datos)


async def test_accepted_batches_are_counted_in_one_read_and_one_write() -> None:
    campana = activa()
    [codigo] = [k.codigo for k in campana.codigos]
    almacen = FakeEventos(campana)

    [primero, segundo] = await handlers.registrar_lotes(
        [
            [evento("vista"), evento("clic", codigo=codigo)],
            [evento("conversion", valor_compra=10)],
        ],
        almacen.abrir(),
    )

    registros = [*aceptado(primero), *aceptado(segundo)]
    assert [r.evento.tipo_evento for r in registros] == ["vista", "clic", "conversion"]
    assert not any(r.repetido for r in registros)
    assert set(almacen.guardados) == {r.evento.id for r in registros}
    assert registros[1].evento.codigo == codigo
    assert registros[0].evento.fecha_evento < registros[1].evento.fecha_evento
    assert almacen.contadores["c-1"] == Incremento(
        vistas=1, clics=1, conversiones=1, valor_conversiones=Decimal(10)
    )
    assert (almacen.aperturas, almacen.lecturas, almacen.escrituras) == (1, 1, 1)


async def test_a_refused_batch_stores_nothing_and_names_its_first_refused_event() -> None:
    cerrada = activa("cerrada")
    cerrada.finalizar()
    almacen = FakeEventos(activa(), cerrada)

    resultados = await handlers.registrar_lotes(
        [
            [evento("vista"), evento("me_gusta"), evento("otro_malo")],
            [evento("vista", codigo="no-existe")],
            [evento("vista", id_campana="cerrada")],
            [evento("vista", id_campana="desconocida")],
            [evento("clic")],
        ],
        almacen.abrir(),
    )

    rechazos = resultados[:4]
    assert all(isinstance(r, EventoRechazado) for r in rechazos)
    assert [(r.indice, type(r.causa)) for r in rechazos if isinstance(r, EventoRechazado)] == [
        (1, TipoEventoDesconocido),
        (0, CodigoDesconocido),
        (0, CampanaNoActiva),
        (0, CampanaNoEncontrada),
    ]
    [clic] = aceptado(resultados[4])
    assert list(almacen.guardados) == [clic.evento.id]
    assert almacen.contadores["c-1"] == Incremento(clics=1)


async def test_only_refused_batches_write_nothing() -> None:
    almacen = FakeEventos(activa())

    [rechazo] = await handlers.registrar_lotes([[evento("me_gusta")]], almacen.abrir())

    assert isinstance(rechazo, EventoRechazado)
    assert (almacen.guardados, almacen.escrituras) == ({}, 0)


async def test_a_repeated_id_is_answered_with_the_first_event_and_counted_once() -> None:
    almacen = FakeEventos(activa())
    id_evento = uuid4()
    primero = RegistrarEvento(id_campana="c-1", tipo_evento="vista", id_evento=id_evento)
    repetido = RegistrarEvento(id_campana="c-1", tipo_evento="clic", id_evento=id_evento)
    [resultado] = await handlers.registrar_lotes([[primero]], almacen.abrir())
    [original] = aceptado(resultado)

    [mismo_lote, otro_lote] = await handlers.registrar_lotes(
        [[repetido, repetido], [repetido]], almacen.abrir()
    )

    assert [(r.evento, r.repetido) for r in [*aceptado(mismo_lote), *aceptado(otro_lote)]] == [
        (original.evento, True)
    ] * 3
    assert almacen.contadores["c-1"] == Incremento(vistas=1)


async def test_an_id_within_new_batches_counts_once_and_a_closed_campaign_still_answers_it() -> (
    None
):
    campana = activa()
    almacen = FakeEventos(campana)
    id_evento = uuid4()
    cmd = RegistrarEvento(id_campana="c-1", tipo_evento="vista", id_evento=id_evento)

    [uno, dos] = await handlers.registrar_lotes([[cmd], [cmd]], almacen.abrir())
    campana.finalizar()
    [tres] = await handlers.registrar_lotes([[cmd]], almacen.abrir())

    registros = [r for lote in (uno, dos, tres) for r in aceptado(lote)]
    assert [r.repetido for r in registros] == [False, True, True]
    assert {r.evento.id for r in registros} == {id_evento}
    assert almacen.contadores["c-1"] == Incremento(vistas=1)


async def test_an_id_a_concurrent_writer_stored_first_is_answered_with_its_event() -> None:
    almacen = FakeEventos(activa())
    id_evento = uuid4()
    suyo = EventoNuevo(
        id=id_evento,
        id_campana="c-1",
        tipo_evento="clic",
        datos={"de": "otro escritor"},
        codigo=None,
        fecha_evento=c.utc_now(),
    )
    almacen.antes_de_escribir = lambda: almacen.guardados.setdefault(id_evento, suyo)
    mio = RegistrarEvento(id_campana="c-1", tipo_evento="vista", id_evento=id_evento)

    [resultado] = await handlers.registrar_lotes([[mio]], almacen.abrir())

    [registro] = aceptado(resultado)

    assert (registro.evento, registro.repetido) == (suyo, True)
    assert "c-1" not in almacen.contadores


async def test_a_write_that_neither_stores_nor_finds_an_event_fails_the_batch() -> None:
    almacen = FakeEventos(activa())
    almacen.pierde_escrituras = True
    cmd = RegistrarEvento(id_campana="c-1", tipo_evento="vista", id_evento=uuid4())

    with pytest.raises(RuntimeError, match="neither inserted nor found"):
        await handlers.registrar_lotes([[cmd]], almacen.abrir())
