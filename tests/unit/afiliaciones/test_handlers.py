"""afiliaciones' use cases on a fake unit of work: what they store (the campaign and its saga
timeline), what domain events they publish, and the errors they raise."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from afiliaciones_svc.application import handlers
from afiliaciones_svc.application.commands import (
    CancelarCampana,
    CrearCampana,
    FinalizarCampana,
    IniciarCampana,
    RegistrarResultado,
)
from afiliaciones_svc.application.errors import CampanaNoEncontrada
from afiliaciones_svc.domain.errors import ErrorValidacion, TransicionInvalida
from afiliaciones_svc.domain.events import (
    CampanaCancelada,
    CampanaConfirmada,
    CampanaCreada,
    CampanaFinalizada,
    CampanaIniciada,
)
from afiliaciones_svc.domain.model import Campana, EstadoCampana
from afiliaciones_svc.domain.saga import (
    CANCELACION_REENVIADA,
    SAGA_COMPENSADA,
    EntradaSaga,
    EstadoSaga,
    OrigenCancelacion,
    Participante,
    Resultado,
)
from tests.unit.afiliaciones.fabrica import solicitud
from tests.unit.fakes import FakeRepository, FakeUnitOfWork

MARCA, INFLUENCER, TRACKING = Participante
PLAZO = timedelta(minutes=5)
GRACIA = timedelta(seconds=30)
ESPERA_MAXIMA = timedelta(minutes=1)


class FakeCampanas(FakeRepository[Campana]):
    """Campaigns by id, with the timeline lines stored for each, and the sweeper's queries."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        super().__init__(uow, lambda campana: campana.id)
        self.lineas: dict[str, list[EntradaSaga]] = {}

    async def save(self, campana: Campana) -> None:
        if not campana.linea_de_tiempo_nueva and not campana.eventos:
            return  # nothing pending: nothing stored (the port's contract)
        self.lineas.setdefault(campana.id, []).extend(campana.linea_de_tiempo_nueva)
        campana.linea_de_tiempo_nueva.clear()
        await super().save(campana)

    async def vencidas(self, ahora: datetime, limit: int) -> list[Campana]:
        filas = [
            c
            for c in self.rows.values()
            if c.estado is EstadoCampana.CREADA and c.plazo_saga <= ahora
        ]
        filas.sort(key=lambda c: c.plazo_saga)
        return copy.deepcopy(filas[:limit])

    async def sin_compensar(
        self, canceladas_antes_de: datetime, ahora: datetime, limit: int
    ) -> list[Campana]:
        filas = [
            c
            for c in self.rows.values()
            if c.estado_saga is EstadoSaga.COMPENSANDO
            and (c.cancelada_en or c.fecha_creacion) <= canceladas_antes_de
            and (c.revisar_en is None or c.revisar_en <= ahora)
        ]
        filas.sort(key=lambda c: (c.revisar_en is not None, c.revisar_en or ahora))
        return copy.deepcopy(filas[:limit])


class FakeAfiliacionesUnitOfWork(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.campanas = FakeCampanas(self)

    def linea(self, id_campana: str) -> list[tuple[str, str]]:
        """The stored timeline of a campaign, as (evento, origen)."""
        return [(e.evento, e.origen) for e in self.campanas.lineas.get(id_campana, [])]


def pedido(**cambios: Any) -> CrearCampana:
    """The request to create the seed's example campaign, with ``cambios``."""
    return CrearCampana(solicitud=solicitud(**cambios), id_correlacion="corr-1")


async def creada(uow: FakeAfiliacionesUnitOfWork, plazo: timedelta = PLAZO) -> str:
    """A campaign created and committed; its id."""
    campana = await handlers.crear_campana(pedido(), uow, plazo=plazo)
    uow.commit()
    return campana.id


def resultado(
    id_campana: str, participante: Participante, resultado: Resultado, motivo: str | None = None
) -> RegistrarResultado:
    return RegistrarResultado(
        id_campana=id_campana, participante=participante, resultado=resultado, motivo=motivo
    )


async def confirmada(uow: FakeAfiliacionesUnitOfWork) -> str:
    id_campana = await creada(uow)
    for participante in Participante:
        await handlers.registrar_resultado(
            resultado(id_campana, participante, Resultado.EXITO), uow
        )
    uow.commit()
    return id_campana


def cancelacion_publicada(uow: FakeAfiliacionesUnitOfWork) -> CampanaCancelada:
    """The one domain event the work publishes, a ``CampanaCancelada``."""
    [cancelacion] = uow.commit()
    assert isinstance(cancelacion, CampanaCancelada)
    return cancelacion


async def cancelada_por_el_usuario(uow: FakeAfiliacionesUnitOfWork) -> tuple[str, CampanaCancelada]:
    """A confirmed campaign the user cancelled; only marca has compensated."""
    id_campana = await confirmada(uow)
    await handlers.cancelar(CancelarCampana(id_campana, "ya no hace falta"), uow)
    cancelacion = cancelacion_publicada(uow)
    await handlers.registrar_resultado(resultado(id_campana, MARCA, Resultado.COMPENSACION), uow)
    assert uow.commit() == []
    return id_campana, cancelacion


# --- creation ---


async def test_a_new_campaign_is_stored_in_creada_and_its_creation_published() -> None:
    uow = FakeAfiliacionesUnitOfWork()

    campana = await handlers.crear_campana(pedido(), uow, plazo=PLAZO)

    guardada = uow.campanas.rows[campana.id]
    assert (guardada.estado, guardada.estado_saga) == (EstadoCampana.CREADA, EstadoSaga.EN_PROGRESO)
    assert guardada.plazo_saga == guardada.fecha_creacion + PLAZO
    [creacion] = uow.commit()
    assert isinstance(creacion, CampanaCreada)
    assert (creacion.id_campana, creacion.id_saga) == (campana.id, guardada.id_saga)
    assert (creacion.id_correlacion, creacion.presupuesto) == ("corr-1", Decimal("15000"))
    assert uow.linea(campana.id) == [("CampanaCreada", "afiliaciones")]


async def test_every_campaign_opens_its_own_saga() -> None:
    uow = FakeAfiliacionesUnitOfWork()

    una = await handlers.crear_campana(pedido(), uow, plazo=PLAZO)
    otra = await handlers.crear_campana(pedido(), uow, plazo=PLAZO)

    assert una.id != otra.id and una.id_saga != otra.id_saga
    assert [e.id_campana for e in uow.commit()] == [una.id, otra.id]


async def test_an_invalid_campaign_is_refused_and_nothing_is_stored_or_published() -> None:
    uow = FakeAfiliacionesUnitOfWork()

    with pytest.raises(ErrorValidacion):
        await handlers.crear_campana(pedido(presupuesto=Decimal(0)), uow, plazo=PLAZO)

    assert (uow.campanas.rows, uow.commit()) == ({}, [])


# --- the participants' outcomes ---


async def test_the_three_successes_confirm_the_campaign_and_publish_it_once() -> None:
    uow = FakeAfiliacionesUnitOfWork()
    id_campana = await creada(uow)

    for participante in (MARCA, INFLUENCER, TRACKING, MARCA):  # marca's success twice
        exito = resultado(id_campana, participante, Resultado.EXITO)
        await handlers.registrar_resultado(exito, uow)

    [confirmacion] = uow.commit()
    assert isinstance(confirmacion, CampanaConfirmada) and confirmacion.id_campana == id_campana
    assert uow.campanas.rows[id_campana].estado is EstadoCampana.CONFIRMADA
    assert uow.linea(id_campana) == [
        ("CampanaCreada", "afiliaciones"),
        ("PresupuestoReservado", "marca"),
        ("InfluencersAsignados", "influencer"),
        ("TrackingHabilitado", "tracking"),
        ("CampanaConfirmada", "afiliaciones"),
    ]


async def test_a_repeated_outcome_changes_and_publishes_nothing() -> None:
    uow = FakeAfiliacionesUnitOfWork()
    id_campana = await creada(uow)
    exito = resultado(id_campana, MARCA, Resultado.EXITO)
    await handlers.registrar_resultado(exito, uow)
    uow.commit()
    antes = copy.deepcopy(uow.campanas.rows[id_campana])

    await handlers.registrar_resultado(exito, uow)

    assert uow.commit() == []
    assert vars(uow.campanas.rows[id_campana]) == vars(antes)
    assert len(uow.linea(id_campana)) == 2


async def test_a_failure_cancels_the_campaign_and_the_compensations_end_the_saga() -> None:
    uow = FakeAfiliacionesUnitOfWork()
    id_campana = await creada(uow)
    await handlers.registrar_resultado(resultado(id_campana, MARCA, Resultado.EXITO), uow)

    fallo = resultado(id_campana, INFLUENCER, Resultado.FALLO, "Ana García ya tiene 3 campañas")
    await handlers.registrar_resultado(fallo, uow)

    cancelacion = cancelacion_publicada(uow)
    assert cancelacion.origen is OrigenCancelacion.INFLUENCER
    assert cancelacion.motivo == "Ana García ya tiene 3 campañas"
    assert uow.campanas.rows[id_campana].estado_saga is EstadoSaga.COMPENSANDO

    for participante in (MARCA, TRACKING):
        compensacion = resultado(id_campana, participante, Resultado.COMPENSACION)
        await handlers.registrar_resultado(compensacion, uow)

    assert uow.commit() == []
    guardada = uow.campanas.rows[id_campana]
    assert (guardada.estado, guardada.estado_saga) == (
        EstadoCampana.CANCELADA,
        EstadoSaga.COMPENSADA,
    )
    assert uow.linea(id_campana)[-1] == (SAGA_COMPENSADA, "afiliaciones")


async def test_an_outcome_for_an_unknown_campaign_is_ignored() -> None:
    uow = FakeAfiliacionesUnitOfWork()

    await handlers.registrar_resultado(resultado("desconocida", MARCA, Resultado.EXITO), uow)

    assert (uow.campanas.rows, uow.commit()) == ({}, [])


# --- the lifecycle ---


async def test_a_confirmed_campaign_starts_and_finishes_publishing_each_step() -> None:
    uow = FakeAfiliacionesUnitOfWork()
    id_campana = await confirmada(uow)

    await handlers.iniciar(IniciarCampana(id_campana), uow)
    await handlers.finalizar(FinalizarCampana(id_campana), uow)

    iniciada, finalizada = uow.commit()
    assert isinstance(iniciada, CampanaIniciada)
    assert isinstance(finalizada, CampanaFinalizada) and finalizada.id_marca == "123e4567"
    assert uow.campanas.rows[id_campana].estado is EstadoCampana.FINALIZADA


async def test_a_step_the_state_forbids_is_refused_and_changes_nothing() -> None:
    uow = FakeAfiliacionesUnitOfWork()
    id_campana = await creada(uow)

    with pytest.raises(TransicionInvalida):
        await handlers.iniciar(IniciarCampana(id_campana), uow)
    with pytest.raises(TransicionInvalida):
        await handlers.finalizar(FinalizarCampana(id_campana), uow)

    assert uow.commit() == []
    assert uow.campanas.rows[id_campana].estado is EstadoCampana.CREADA


@pytest.mark.parametrize(
    "paso",
    [
        lambda uow: handlers.iniciar(IniciarCampana("desconocida"), uow),
        lambda uow: handlers.finalizar(FinalizarCampana("desconocida"), uow),
        lambda uow: handlers.cancelar(CancelarCampana("desconocida"), uow),
    ],
    ids=["iniciar", "finalizar", "cancelar"],
)
async def test_a_step_on_an_unknown_campaign_is_not_found(paso: Any) -> None:
    uow = FakeAfiliacionesUnitOfWork()

    with pytest.raises(CampanaNoEncontrada):
        await paso(uow)

    assert uow.commit() == []


async def test_a_user_cancellation_is_published_with_its_reason() -> None:
    uow = FakeAfiliacionesUnitOfWork()
    id_campana = await confirmada(uow)

    await handlers.cancelar(CancelarCampana(id_campana, "ya no hace falta"), uow)

    cancelacion = cancelacion_publicada(uow)
    assert (cancelacion.origen, cancelacion.motivo) == (
        OrigenCancelacion.USUARIO,
        "ya no hace falta",
    )
    assert uow.campanas.rows[id_campana].estado is EstadoCampana.CANCELADA


# --- the saga's clock ---


async def test_the_deadline_cancels_the_overdue_sagas_oldest_deadline_first() -> None:
    uow = FakeAfiliacionesUnitOfWork()
    tarde = await creada(uow, plazo=timedelta(minutes=2))
    temprano = await creada(uow, plazo=timedelta(minutes=1))
    a_tiempo = await creada(uow, plazo=timedelta(hours=1))
    ya_confirmada = await confirmada(uow)
    ahora = datetime.now(UTC) + timedelta(minutes=10)

    assert await handlers.vencer_plazos(uow, ahora, limit=100) == 2

    canceladas = uow.commit()
    assert [e.id_campana for e in canceladas] == [temprano, tarde]
    assert all(
        isinstance(e, CampanaCancelada) and e.origen is OrigenCancelacion.PLAZO for e in canceladas
    )
    assert "marca, influencer, tracking" in canceladas[0].motivo
    estados = {i: uow.campanas.rows[i].estado for i in (tarde, temprano, a_tiempo, ya_confirmada)}
    assert estados == {
        tarde: EstadoCampana.CANCELADA,
        temprano: EstadoCampana.CANCELADA,
        a_tiempo: EstadoCampana.CREADA,
        ya_confirmada: EstadoCampana.CONFIRMADA,
    }


async def test_the_deadline_cancels_no_more_than_the_limit_at_a_time() -> None:
    uow = FakeAfiliacionesUnitOfWork()
    primera = await creada(uow)
    segunda = await creada(uow, plazo=PLAZO * 2)
    ahora = datetime.now(UTC) + PLAZO * 3

    assert await handlers.vencer_plazos(uow, ahora, limit=1) == 1
    assert [e.id_campana for e in uow.commit()] == [primera]
    assert await handlers.vencer_plazos(uow, ahora, limit=1) == 1
    assert [e.id_campana for e in uow.commit()] == [segunda]
    assert await handlers.vencer_plazos(uow, ahora, limit=1) == 0


async def test_an_unanswered_cancellation_is_sent_again_once_the_grace_is_over() -> None:
    uow = FakeAfiliacionesUnitOfWork()
    id_campana, original = await cancelada_por_el_usuario(uow)
    cancelada_en = uow.campanas.rows[id_campana].cancelada_en
    assert cancelada_en is not None

    dentro = cancelada_en + GRACIA / 2
    assert await handlers.reenviar_cancelaciones(uow, dentro, GRACIA, ESPERA_MAXIMA) == 0
    assert uow.commit() == []

    ahora = cancelada_en + GRACIA * 2
    assert await handlers.reenviar_cancelaciones(uow, ahora, GRACIA, ESPERA_MAXIMA) == 1

    assert uow.commit() == [original]  # the same event: who handled it drops it
    assert uow.linea(id_campana)[-1] == (CANCELACION_REENVIADA, "afiliaciones")
    revisar_en = uow.campanas.rows[id_campana].revisar_en
    assert revisar_en is not None and ahora < revisar_en <= ahora + ESPERA_MAXIMA
    # not due again until then
    assert await handlers.reenviar_cancelaciones(uow, ahora, GRACIA, ESPERA_MAXIMA) == 0
    assert uow.commit() == []


async def test_a_cancellation_every_participant_answered_is_not_sent_again() -> None:
    uow = FakeAfiliacionesUnitOfWork()
    id_campana, _ = await cancelada_por_el_usuario(uow)
    for participante in (INFLUENCER, TRACKING):
        compensacion = resultado(id_campana, participante, Resultado.COMPENSACION)
        await handlers.registrar_resultado(compensacion, uow)
    uow.commit()
    ahora = datetime.now(UTC) + timedelta(hours=1)

    assert await handlers.reenviar_cancelaciones(uow, ahora, GRACIA, ESPERA_MAXIMA) == 0
    assert uow.commit() == []
