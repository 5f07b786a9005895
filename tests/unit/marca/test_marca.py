"""The brand and its budget: registration, deactivation, reserve and release invariants."""

from decimal import Decimal

import pytest

from marca_svc.domain import (
    DatosMarcaInvalidos,
    Marca,
    MarcaDesactivada,
    MarcaInactiva,
    MarcaRegistrada,
    MontoInvalido,
    PresupuestoInsuficiente,
    ReservaInconsistente,
    como_monto,
)


def test_registrar_creates_an_active_brand_with_its_budget() -> None:
    marca = Marca.registrar("m-1", "  Nike ", 1000)

    assert (marca.nombre, marca.activa) == ("Nike", True)
    assert marca.presupuesto_total == Decimal(1000)
    assert marca.presupuesto_disponible == Decimal(1000)
    assert marca.eventos == [
        MarcaRegistrada(id_marca="m-1", nombre="Nike", presupuesto_total=Decimal(1000))
    ]


def test_registrar_accepts_a_zero_budget() -> None:
    assert Marca.registrar("m-1", "Nike", 0).presupuesto_total == 0


@pytest.mark.parametrize("total", [-1, float("nan"), float("inf"), "abc", True])
def test_registrar_refuses_an_invalid_budget(total: object) -> None:
    with pytest.raises(MontoInvalido):
        Marca.registrar("m-1", "Nike", total)  # type: ignore[arg-type]


@pytest.mark.parametrize(("id_marca", "nombre"), [("", "Nike"), ("m-1", " "), ("m-1", "x" * 201)])
def test_registrar_refuses_invalid_identity(id_marca: str, nombre: str) -> None:
    with pytest.raises(DatosMarcaInvalidos):
        Marca.registrar(id_marca, nombre, 10)


def test_desde_campana_registers_an_unknown_brand_with_the_initial_credit() -> None:
    marca = Marca.desde_campana(None, "m-1", "Nike", credito_inicial=5000)

    assert (marca.id_marca, marca.nombre, marca.presupuesto_total) == ("m-1", "Nike", Decimal(5000))


def test_desde_campana_keeps_a_known_brand() -> None:
    conocida = Marca.registrar("m-1", "Nike", 10)

    assert Marca.desde_campana(conocida, "m-1", "Otro", credito_inicial=5000) is conocida


def test_desde_campana_falls_back_to_the_id_for_a_blank_name() -> None:
    assert Marca.desde_campana(None, "m-1", "  ", credito_inicial=1).nombre == "m-1"


def test_reservar_and_liberar_move_the_available_budget() -> None:
    marca = Marca.registrar("m-1", "Nike", 100)

    marca.reservar(Decimal(70))
    assert (marca.presupuesto_reservado, marca.presupuesto_disponible) == (Decimal(70), Decimal(30))
    marca.liberar(Decimal(70))
    assert (marca.presupuesto_reservado, marca.presupuesto_disponible) == (Decimal(0), Decimal(100))
    assert marca.version == 2


def test_reservar_exactly_the_available_budget_is_allowed() -> None:
    marca = Marca.registrar("m-1", "Nike", "0.3")
    marca.reservar(como_monto(0.1))
    marca.reservar(como_monto(0.2))

    assert marca.presupuesto_disponible == 0


def test_reservar_more_than_available_raises_presupuesto_insuficiente() -> None:
    marca = Marca.registrar("m-1", "Nike", 100)

    with pytest.raises(PresupuestoInsuficiente) as error:
        marca.reservar(Decimal("100.01"))
    assert error.value.disponible == 100
    assert marca.presupuesto_reservado == 0


def test_reservar_on_an_inactive_brand_raises_marca_inactiva() -> None:
    marca = Marca.registrar("m-1", "Nike", 100)
    marca.desactivar()

    with pytest.raises(MarcaInactiva):
        marca.reservar(Decimal(1))


def test_liberar_more_than_reserved_is_refused() -> None:
    marca = Marca.registrar("m-1", "Nike", 100)
    marca.reservar(Decimal(10))

    with pytest.raises(ReservaInconsistente):
        marca.liberar(Decimal(11))
    assert marca.presupuesto_reservado == 10


def test_desactivar_is_idempotent_and_emits_once() -> None:
    marca = Marca.registrar("m-1", "Nike", 100)
    marca.eventos.clear()

    marca.desactivar()
    marca.desactivar()

    assert not marca.activa
    assert marca.eventos == [MarcaDesactivada(id_marca="m-1")]


def test_the_total_can_grow_and_shrink_but_never_below_what_is_reserved() -> None:
    from marca_svc.domain.errors import PresupuestoMenorQueReservado

    marca = Marca.registrar("m-9", "Nike", 1000)
    marca.presupuesto_reservado = Decimal(600)  # as open reservations leave it
    marca.ajustar_presupuesto_total(Decimal(2000))
    marca.ajustar_presupuesto_total(Decimal(600))
    assert marca.presupuesto_total == Decimal(600)
    with pytest.raises(PresupuestoMenorQueReservado):
        marca.ajustar_presupuesto_total(Decimal(599))
    assert marca.presupuesto_total == Decimal(600)
