"""marca's part of the choreographed saga: reserve once, compensate once, remember cancellations."""

from collections.abc import Callable
from decimal import Decimal
from typing import cast

import pytest

from marca_svc.domain import (
    EstadoReserva,
    Marca,
    MarcaNoCorresponde,
    PresupuestoConsumido,
    PresupuestoLiberado,
    PresupuestoReservado,
    ReservaPresupuesto,
    ReservaPresupuestoRechazada,
    when_campana_cancelada_liberar,
    when_campana_creada_reservar,
    when_campana_finalizada_consumir,
    when_fallo_tecnico_rechazar,
)


def marca(total: int = 1000) -> Marca:
    m = Marca.registrar("m-1", "Nike", total)
    m.eventos.clear()
    return m


def reservada(m: Marca, monto: int = 600) -> ReservaPresupuesto:
    reserva = when_campana_creada_reservar(None, "c-1", m, monto)
    reserva.eventos.clear()
    return reserva


def test_creada_reserves_the_budget() -> None:
    m = marca()

    reserva = when_campana_creada_reservar(None, "c-1", m, 600.0)

    assert reserva.estado is EstadoReserva.RESERVADA
    assert m.presupuesto_disponible == 400
    assert reserva.eventos == [
        PresupuestoReservado(id_campana="c-1", id_marca="m-1", monto=Decimal(600))
    ]


def test_creada_without_enough_budget_is_rejected() -> None:
    m = marca(total=100)

    reserva = when_campana_creada_reservar(None, "c-1", m, 600)

    assert reserva.estado is EstadoReserva.RECHAZADA
    assert m.presupuesto_reservado == 0
    [evento] = reserva.eventos
    assert isinstance(evento, ReservaPresupuestoRechazada)
    assert "presupuesto insuficiente" in evento.motivo
    assert not evento.tecnico


def test_creada_for_an_inactive_brand_is_rejected() -> None:
    m = marca()
    m.desactivar()

    reserva = when_campana_creada_reservar(None, "c-1", m, 10)

    [evento] = reserva.eventos
    assert isinstance(evento, ReservaPresupuestoRechazada)
    assert "marca inactiva" in evento.motivo


@pytest.mark.parametrize("monto", [0, -5, float("nan")])
def test_creada_with_an_invalid_amount_is_rejected(monto: float) -> None:
    reserva = when_campana_creada_reservar(None, "c-1", marca(), monto)

    assert reserva.estado is EstadoReserva.RECHAZADA
    assert isinstance(reserva.eventos[0], ReservaPresupuestoRechazada)


def test_a_brand_first_seen_in_the_event_gets_the_initial_credit() -> None:
    m = Marca.desde_campana(None, "m-9", "Adidas", credito_inicial=500)

    reserva = when_campana_creada_reservar(None, "c-1", m, 500)

    assert reserva.estado is EstadoReserva.RESERVADA
    assert m.presupuesto_disponible == 0


def test_duplicate_creada_does_nothing() -> None:
    m = marca()
    reserva = reservada(m)

    again = when_campana_creada_reservar(reserva, "c-1", m, 600)

    assert again is reserva
    assert reserva.eventos == []
    assert m.presupuesto_reservado == 600


def test_cancelada_releases_the_reservation_once() -> None:
    m = marca()
    reserva = reservada(m)

    when_campana_cancelada_liberar(reserva, "c-1", "usuario", m)
    when_campana_cancelada_liberar(reserva, "c-1", "usuario", m)

    assert reserva.estado is EstadoReserva.LIBERADA
    assert m.presupuesto_reservado == 0
    assert reserva.eventos == [
        PresupuestoLiberado(id_campana="c-1", id_marca="m-1", monto=Decimal(600), motivo="usuario")
    ]


def test_success_then_failure_elsewhere_then_cancellation_compensates_once() -> None:
    m = marca()
    reserva = reservada(m)

    when_campana_cancelada_liberar(reserva, "c-1", "capacidad excedida", m)  # influencer failed
    when_campana_cancelada_liberar(reserva, "c-1", "cancelada: influencer", m)  # afiliaciones

    assert [type(e) for e in reserva.eventos] == [PresupuestoLiberado]
    assert m.presupuesto_disponible == 1000


def test_cancellation_before_creation_leaves_a_tombstone_and_releases_nothing_once() -> None:
    reserva = when_campana_cancelada_liberar(None, "c-1", "plazo", None)

    assert reserva.estado is EstadoReserva.CANCELADA_ANTES
    assert reserva.eventos == [
        PresupuestoLiberado(id_campana="c-1", id_marca=None, monto=Decimal(0), motivo="plazo")
    ]


def test_late_creada_after_a_tombstone_does_no_work() -> None:
    m = marca()
    reserva = when_campana_cancelada_liberar(None, "c-1", "plazo", None)
    reserva.eventos.clear()

    reserva = when_campana_creada_reservar(reserva, "c-1", m, 600)
    when_campana_cancelada_liberar(reserva, "c-1", "plazo", None)

    assert reserva.estado is EstadoReserva.CANCELADA_ANTES
    assert reserva.eventos == []
    assert m.presupuesto_reservado == 0


def test_a_rejected_reservation_never_publishes_a_release() -> None:
    m = marca(total=1)
    reserva = when_campana_creada_reservar(None, "c-1", m, 600)
    reserva.eventos.clear()

    when_campana_cancelada_liberar(reserva, "c-1", "cancelada: marca", m)

    assert reserva.estado is EstadoReserva.RECHAZADA
    assert reserva.eventos == []


def test_finalizada_keeps_the_budget_spent() -> None:
    m = marca()
    reserva = reservada(m)

    when_campana_finalizada_consumir(reserva)
    when_campana_cancelada_liberar(reserva, "c-1", "tarde", m)

    assert reserva.estado is EstadoReserva.CONSUMIDA
    assert m.presupuesto_disponible == 400
    assert reserva.eventos == [
        PresupuestoConsumido(id_campana="c-1", id_marca="m-1", monto=Decimal(600))
    ]


def test_finalizada_of_an_unknown_campaign_does_nothing() -> None:
    # What the handler stores, if anything: unlike a cancellation seen first, a finalization
    # leaves no tombstone that would make a later CampanaCreada do nothing.
    reaccion: Callable[[ReservaPresupuesto | None], ReservaPresupuesto | None]
    reaccion = when_campana_finalizada_consumir

    assert reaccion(None) is None


def test_releasing_needs_the_reservations_own_brand() -> None:
    m = marca()
    reserva = reservada(m)

    with pytest.raises(MarcaNoCorresponde):
        when_campana_cancelada_liberar(reserva, "c-1", "usuario", None)
    with pytest.raises(MarcaNoCorresponde):
        when_campana_cancelada_liberar(reserva, "c-1", "usuario", Marca.registrar("m-2", "X", 1))
    assert reserva.estado is EstadoReserva.RESERVADA


def test_technical_failure_is_final_and_never_released() -> None:
    reserva = when_fallo_tecnico_rechazar(None, "c-1", "m-1", "base de datos no disponible")
    when_campana_cancelada_liberar(reserva, "c-1", "cancelada: marca", None)

    assert reserva.eventos == [
        ReservaPresupuestoRechazada(
            id_campana="c-1", id_marca="m-1", motivo="base de datos no disponible", tecnico=True
        )
    ]


def test_technical_failure_after_the_campaign_was_handled_changes_nothing() -> None:
    m = marca()
    reserva = reservada(m)

    assert when_fallo_tecnico_rechazar(reserva, "c-1", "m-1", "x") is reserva
    assert reserva.eventos == []


def test_two_campaigns_share_the_brand_budget() -> None:
    m = marca(total=1000)
    primera = when_campana_creada_reservar(None, "c-1", m, 600)
    segunda = when_campana_creada_reservar(None, "c-2", m, 600)

    assert primera.estado is EstadoReserva.RESERVADA
    assert segunda.estado is EstadoReserva.RECHAZADA
    when_campana_cancelada_liberar(primera, "c-1", "usuario", m)
    tercera = when_campana_creada_reservar(None, "c-3", m, 1000)
    assert tercera.estado is EstadoReserva.RESERVADA


def test_a_state_loaded_as_plain_text_still_releases() -> None:
    m = marca()
    reserva = reservada(m)
    reserva.estado = cast(EstadoReserva, "reservada")  # as a String column loads it

    when_campana_cancelada_liberar(reserva, "c-1", "usuario", m)

    assert reserva.estado == EstadoReserva.LIBERADA
    assert m.presupuesto_reservado == 0
