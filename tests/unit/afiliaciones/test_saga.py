"""The saga as afiliaciones sees it: outcomes, cancellation, compensation, deadline."""

from datetime import timedelta
from itertools import permutations

import pytest

from afiliaciones_svc.domain.events import CampanaCancelada, CampanaConfirmada
from afiliaciones_svc.domain.model import Campana, EstadoCampana
from afiliaciones_svc.domain.saga import EntradaSaga, EstadoSaga, OrigenCancelacion, Participante
from tests.unit.afiliaciones.fabrica import (
    AHORA,
    PLAZO,
    TODOS,
    creada,
    linea,
    nombres_de_eventos,
    tomada,
)

MARCA, INFLUENCER, TRACKING = Participante
LUEGO = AHORA + timedelta(seconds=3)


def cancelada_por_influencer() -> Campana:
    campana = creada()
    campana.registrar_fallo(INFLUENCER, "capacidad excedida", AHORA)
    return tomada(campana)


# --- happy path ---


@pytest.mark.parametrize("orden", list(permutations(TODOS)))
def test_the_campaign_is_confirmed_when_all_three_succeeded_in_any_order(
    orden: tuple[Participante, ...],
) -> None:
    campana = creada()
    primeros, ultimo = orden[:-1], orden[-1]
    for participante in primeros:
        campana.registrar_exito(participante, AHORA)
    assert (campana.estado, campana.eventos) == (EstadoCampana.CREADA, [])

    campana.registrar_exito(ultimo, LUEGO)

    assert campana.estado is EstadoCampana.CONFIRMADA
    assert campana.estado_saga is EstadoSaga.COMPLETADA
    assert campana.eventos == [
        CampanaConfirmada(
            id_campana=campana.id,
            id_saga="saga-1",
            id_correlacion="corr-1",
            ocurrido_en=LUEGO,
        )
    ]


def test_each_success_and_the_confirmation_go_to_the_timeline() -> None:
    campana = creada()
    for participante in TODOS:
        campana.registrar_exito(participante, AHORA)

    assert linea(campana) == [
        ("PresupuestoReservado", "marca"),
        ("InfluencersAsignados", "influencer"),
        ("TrackingHabilitado", "tracking"),
        ("CampanaConfirmada", "afiliaciones"),
    ]


# --- duplicates ---


def test_a_duplicate_success_changes_nothing() -> None:
    campana = creada()
    campana.registrar_exito(MARCA, AHORA)
    tomada(campana)

    campana.registrar_exito(MARCA, LUEGO)

    assert campana.eventos == []
    assert campana.linea_de_tiempo_nueva == []


def test_a_duplicate_last_success_does_not_confirm_twice() -> None:
    campana = creada()
    for participante in TODOS:
        campana.registrar_exito(participante, AHORA)
    tomada(campana)

    for participante in TODOS:
        campana.registrar_exito(participante, LUEGO)

    assert campana.eventos == []
    assert campana.linea_de_tiempo_nueva == []


def test_a_duplicate_failure_changes_nothing() -> None:
    campana = cancelada_por_influencer()

    campana.registrar_fallo(INFLUENCER, "capacidad excedida", LUEGO)

    assert campana.eventos == []
    assert campana.linea_de_tiempo_nueva == []


def test_a_duplicate_compensation_changes_nothing() -> None:
    campana = cancelada_por_influencer()
    campana.registrar_compensacion(MARCA, AHORA)
    progreso = campana.progreso
    tomada(campana)

    campana.registrar_compensacion(MARCA, LUEGO)

    assert campana.progreso == progreso
    assert campana.linea_de_tiempo_nueva == []


# --- failure and compensation ---


def test_a_failure_cancels_a_created_campaign_and_starts_compensating() -> None:
    campana = creada()

    campana.registrar_fallo(INFLUENCER, "capacidad excedida", LUEGO)

    assert campana.estado is EstadoCampana.CANCELADA
    assert campana.estado_saga is EstadoSaga.COMPENSANDO
    assert campana.motivo_cancelacion == "capacidad excedida"
    assert campana.origen_cancelacion is OrigenCancelacion.INFLUENCER
    [evento] = campana.eventos
    assert isinstance(evento, CampanaCancelada)
    assert (evento.motivo, evento.origen, evento.ocurrido_en) == (
        "capacidad excedida",
        OrigenCancelacion.INFLUENCER,
        LUEGO,
    )
    assert campana.linea_de_tiempo_nueva == [
        EntradaSaga("AsignacionInfluencersRechazada", "influencer", LUEGO, "capacidad excedida"),
        EntradaSaga("CampanaCancelada", "influencer", LUEGO, "capacidad excedida"),
    ]


def test_the_saga_is_compensated_once_every_other_participant_released() -> None:
    campana = cancelada_por_influencer()

    campana.registrar_compensacion(MARCA, AHORA, "compensacion")
    assert campana.progreso.sin_respuesta() == [TRACKING]

    campana.registrar_compensacion(TRACKING, LUEGO)
    assert campana.estado_saga is EstadoSaga.COMPENSADA
    assert campana.eventos == []
    assert campana.linea_de_tiempo_nueva == [
        EntradaSaga("PresupuestoLiberado", "marca", AHORA, "compensacion"),
        EntradaSaga("TrackingDeshabilitado", "tracking", LUEGO),
        EntradaSaga("SagaCompensada", "afiliaciones", LUEGO),
    ]


def test_a_success_after_the_cancellation_changes_no_state() -> None:
    campana = cancelada_por_influencer()

    campana.registrar_exito(MARCA, LUEGO)
    campana.registrar_exito(TRACKING, LUEGO)

    assert campana.estado is EstadoCampana.CANCELADA
    assert campana.estado_saga is EstadoSaga.COMPENSANDO
    assert campana.eventos == []
    assert linea(campana) == [("PresupuestoReservado", "marca"), ("TrackingHabilitado", "tracking")]


def test_late_successes_are_then_compensated_and_the_saga_ends_compensated() -> None:
    campana = cancelada_por_influencer()
    campana.registrar_exito(MARCA, AHORA)
    campana.registrar_exito(TRACKING, AHORA)

    campana.registrar_compensacion(MARCA, LUEGO)
    campana.registrar_compensacion(TRACKING, LUEGO)

    assert campana.estado_saga is EstadoSaga.COMPENSADA


def test_a_second_failure_is_recorded_without_cancelling_again() -> None:
    campana = cancelada_por_influencer()

    campana.registrar_fallo(MARCA, "presupuesto insuficiente", LUEGO)

    assert campana.eventos == []
    assert campana.origen_cancelacion is OrigenCancelacion.INFLUENCER
    assert linea(campana) == [("ReservaPresupuestoRechazada", "marca")]
    campana.registrar_compensacion(TRACKING, LUEGO)
    assert campana.estado_saga is EstadoSaga.COMPENSADA


def test_compensations_seen_before_the_failure_still_count() -> None:
    campana = creada()
    campana.registrar_compensacion(MARCA, AHORA)
    campana.registrar_compensacion(TRACKING, AHORA)
    assert campana.estado is EstadoCampana.CREADA

    campana.registrar_fallo(INFLUENCER, "inactivo", LUEGO)

    assert campana.estado_saga is EstadoSaga.COMPENSADA
    assert linea(campana)[-3:] == [
        ("AsignacionInfluencersRechazada", "influencer"),
        ("CampanaCancelada", "influencer"),
        ("SagaCompensada", "afiliaciones"),
    ]


def test_saga_compensada_is_written_once() -> None:
    campana = cancelada_por_influencer()
    for participante in (MARCA, TRACKING):
        campana.registrar_compensacion(participante, AHORA)
    campana.registrar_fallo(MARCA, "tarde", LUEGO)

    assert [e for e, _ in linea(campana)].count("SagaCompensada") == 1


# --- deadline ---


def test_the_deadline_cancels_a_saga_still_running_naming_who_did_not_answer() -> None:
    campana = creada()
    campana.registrar_exito(MARCA, AHORA)

    assert campana.vencer_plazo(campana.plazo_saga) is True

    assert campana.estado is EstadoCampana.CANCELADA
    assert campana.origen_cancelacion is OrigenCancelacion.PLAZO
    [evento] = campana.eventos
    assert isinstance(evento, CampanaCancelada)
    assert evento.origen is OrigenCancelacion.PLAZO
    assert evento.motivo == "plazo vencido sin respuesta de: influencer, tracking"
    assert linea(campana)[-1] == ("CampanaCancelada", "plazo")


def test_before_the_deadline_nothing_happens() -> None:
    campana = creada()

    assert campana.vencer_plazo(AHORA + PLAZO - timedelta(microseconds=1)) is False

    assert campana.estado is EstadoCampana.CREADA
    assert campana.eventos == []
    assert campana.linea_de_tiempo_nueva == []


@pytest.mark.parametrize("fallo", [False, True])
def test_the_deadline_does_not_touch_a_saga_already_decided(fallo: bool) -> None:
    campana = creada()
    if fallo:
        campana.registrar_fallo(TRACKING, "tecnico", AHORA)
    else:
        for participante in TODOS:
            campana.registrar_exito(participante, AHORA)
    tomada(campana)

    assert campana.vencer_plazo(AHORA + 10 * PLAZO) is False
    assert campana.eventos == []


def test_after_the_deadline_the_silent_participants_compensate_and_the_saga_ends() -> None:
    campana = creada()
    campana.registrar_exito(MARCA, AHORA)
    campana.vencer_plazo(AHORA + PLAZO)

    campana.registrar_exito(TRACKING, LUEGO + PLAZO)  # late, after the cancellation
    for participante in TODOS:
        campana.registrar_compensacion(participante, LUEGO + PLAZO)

    assert campana.estado is EstadoCampana.CANCELADA
    assert campana.estado_saga is EstadoSaga.COMPENSADA
    assert nombres_de_eventos(campana) == ["CampanaCancelada"]
