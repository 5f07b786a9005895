"""Lifecycle: iniciar, finalizar, cancelar by the user; illegal transitions carry the state."""

from collections.abc import Callable

import pytest

from afiliaciones_svc.domain.errors import TransicionInvalida
from afiliaciones_svc.domain.events import CampanaCancelada, CampanaFinalizada, CampanaIniciada
from afiliaciones_svc.domain.model import Campana, EstadoCampana
from afiliaciones_svc.domain.saga import EstadoSaga, OrigenCancelacion, Participante
from tests.unit.afiliaciones.fabrica import (
    AHORA,
    TODOS,
    confirmada,
    creada,
    iniciada,
    linea,
    tomada,
)

USUARIO = OrigenCancelacion.USUARIO


def finalizada() -> Campana:
    campana = iniciada()
    campana.finalizar(AHORA)
    return tomada(campana)


def cancelada() -> Campana:
    campana = creada()
    campana.cancelar("ya no", USUARIO, AHORA)
    return tomada(campana)


def test_a_confirmed_campaign_starts() -> None:
    campana = confirmada()

    campana.iniciar(AHORA)

    assert campana.estado is EstadoCampana.INICIADA
    assert campana.estado_saga is EstadoSaga.COMPLETADA
    assert campana.eventos == [
        CampanaIniciada(
            id_campana=campana.id, id_saga="saga-1", id_correlacion="corr-1", ocurrido_en=AHORA
        )
    ]
    assert linea(campana) == [("CampanaIniciada", "afiliaciones")]


def test_a_started_campaign_ends_and_the_event_names_its_brand() -> None:
    campana = iniciada()

    campana.finalizar(AHORA)

    assert campana.estado is EstadoCampana.FINALIZADA
    assert campana.estado_saga is EstadoSaga.COMPLETADA
    [evento] = campana.eventos
    assert isinstance(evento, CampanaFinalizada)
    assert evento.id_marca == "123e4567"


def test_releases_after_the_end_are_recorded_but_the_saga_stays_completed() -> None:
    campana = finalizada()
    for participante in TODOS:
        campana.registrar_compensacion(participante, AHORA, "fin de campaña")

    assert campana.estado_saga is EstadoSaga.COMPLETADA
    assert [e for e, _ in linea(campana)] == [
        "PresupuestoLiberado",
        "InfluencersLiberados",
        "TrackingDeshabilitado",
    ]


@pytest.mark.parametrize("construir", [creada, confirmada, iniciada])
def test_the_user_cancels_before_the_end_and_every_participant_compensates(
    construir: Callable[[], Campana],
) -> None:
    campana = construir()

    campana.cancelar("cliente lo pidió", USUARIO, AHORA)

    assert (campana.estado, campana.estado_saga) == (
        EstadoCampana.CANCELADA,
        EstadoSaga.COMPENSANDO,
    )
    [evento] = campana.eventos
    assert isinstance(evento, CampanaCancelada)
    assert (evento.motivo, evento.origen) == ("cliente lo pidió", USUARIO)
    assert linea(campana) == [("CampanaCancelada", "usuario")]

    for participante in Participante:
        campana.registrar_compensacion(participante, AHORA)
    assert campana.estado_saga is EstadoSaga.COMPENSADA
    assert linea(campana)[-1] == ("SagaCompensada", "afiliaciones")


ILEGALES: list[tuple[Callable[[], Campana], str, EstadoCampana]] = [
    (creada, "iniciar", EstadoCampana.CREADA),
    (creada, "finalizar", EstadoCampana.CREADA),
    (confirmada, "finalizar", EstadoCampana.CONFIRMADA),
    (iniciada, "iniciar", EstadoCampana.INICIADA),
    (finalizada, "iniciar", EstadoCampana.FINALIZADA),
    (finalizada, "finalizar", EstadoCampana.FINALIZADA),
    (finalizada, "cancelar", EstadoCampana.FINALIZADA),
    (cancelada, "iniciar", EstadoCampana.CANCELADA),
    (cancelada, "finalizar", EstadoCampana.CANCELADA),
    (cancelada, "cancelar", EstadoCampana.CANCELADA),
]


@pytest.mark.parametrize(("construir", "accion", "estado"), ILEGALES)
def test_an_illegal_transition_is_refused_with_the_current_state(
    construir: Callable[[], Campana], accion: str, estado: EstadoCampana
) -> None:
    campana = construir()
    acciones: dict[str, Callable[[], None]] = {
        "iniciar": lambda: campana.iniciar(AHORA),
        "finalizar": lambda: campana.finalizar(AHORA),
        "cancelar": lambda: campana.cancelar("x", USUARIO, AHORA),
    }

    with pytest.raises(TransicionInvalida) as refused:
        acciones[accion]()

    assert refused.value.estado_actual is estado
    assert refused.value.accion == accion
    assert estado.value in refused.value.mensaje
    assert campana.estado is estado
    assert campana.eventos == []
    assert campana.linea_de_tiempo_nueva == []
