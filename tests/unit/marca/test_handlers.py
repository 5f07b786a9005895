"""marca's use cases on a fake unit of work: what they store and what they publish."""

from __future__ import annotations

from decimal import Decimal

import pytest

from alpes.commands import RechazarPorFalloTecnico
from marca_svc.application import commands, handlers
from marca_svc.application.errors import MarcaNoEncontrada, MarcaYaExiste
from marca_svc.domain import (
    EstadoReserva,
    Marca,
    PresupuestoConsumido,
    PresupuestoLiberado,
    ReservaPresupuesto,
    ReservaPresupuestoRechazada,
)
from tests.unit.fakes import FakePasos, FakeRepository, FakeUnitOfWork


class FakeMarcaUnitOfWork(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.marcas = FakeRepository[Marca](self, lambda m: m.id_marca)
        self.reservas = FakePasos[ReservaPresupuesto](self)


def reservar(id_campana: str = "c-1", monto: str = "600") -> commands.ReservarPresupuesto:
    return commands.ReservarPresupuesto(
        id_campana=id_campana,
        id_marca="m-1",
        nombre_marca="Nike",
        monto=Decimal(monto),
        credito_inicial=Decimal(1000),
    )


async def test_a_brand_first_seen_in_a_campaign_is_registered_with_the_credit_and_reserved() -> (
    None
):
    uow = FakeMarcaUnitOfWork()

    await handlers.reservar_presupuesto(reservar(), uow)

    assert [type(e).__name__ for e in uow.commit()] == ["MarcaRegistrada", "PresupuestoReservado"]
    marca = uow.marcas.rows["m-1"]
    assert (marca.presupuesto_total, marca.presupuesto_reservado) == (Decimal(1000), Decimal(600))
    assert uow.reservas.rows["c-1"].estado is EstadoReserva.RESERVADA


async def test_a_reservation_beyond_the_budget_is_published_as_rejected_and_reserves_nothing() -> (
    None
):
    uow = FakeMarcaUnitOfWork()
    await handlers.reservar_presupuesto(reservar("c-1", "600"), uow)
    uow.commit()

    await handlers.reservar_presupuesto(reservar("c-2", "500"), uow)

    [rechazo] = uow.commit()
    assert isinstance(rechazo, ReservaPresupuestoRechazada) and not rechazo.tecnico
    assert uow.marcas.rows["m-1"].presupuesto_reservado == 600


async def test_a_repeated_reservation_publishes_and_reserves_nothing_more() -> None:
    uow = FakeMarcaUnitOfWork()
    await handlers.reservar_presupuesto(reservar(), uow)
    uow.commit()

    await handlers.reservar_presupuesto(reservar(), uow)

    assert uow.commit() == []
    assert uow.marcas.rows["m-1"].presupuesto_reservado == 600


async def test_a_release_gives_the_money_back_once() -> None:
    uow = FakeMarcaUnitOfWork()
    await handlers.reservar_presupuesto(reservar(), uow)
    uow.commit()

    await handlers.liberar_presupuesto(commands.LiberarPresupuesto("c-1", "cancelada"), uow)
    await handlers.liberar_presupuesto(commands.LiberarPresupuesto("c-1", "cancelada"), uow)

    [liberado] = uow.commit()
    assert isinstance(liberado, PresupuestoLiberado) and liberado.monto == 600
    assert uow.marcas.rows["m-1"].presupuesto_reservado == 0


async def test_a_cancellation_before_the_campaign_leaves_a_tombstone_that_blocks_the_reservation() -> (
    None
):
    uow = FakeMarcaUnitOfWork()
    await handlers.liberar_presupuesto(commands.LiberarPresupuesto("c-1", "cancelada"), uow)
    [liberado] = uow.commit()
    assert isinstance(liberado, PresupuestoLiberado) and liberado.monto == 0

    await handlers.reservar_presupuesto(reservar(), uow)

    assert uow.commit() == []
    assert "m-1" not in uow.marcas.rows
    assert uow.reservas.rows["c-1"].estado is EstadoReserva.CANCELADA_ANTES


async def test_a_finished_campaign_spends_its_reservation() -> None:
    uow = FakeMarcaUnitOfWork()
    await handlers.reservar_presupuesto(reservar(), uow)
    uow.commit()

    await handlers.consumir_presupuesto(commands.ConsumirPresupuesto("c-1"), uow)

    assert [type(e) for e in uow.commit()] == [PresupuestoConsumido]
    assert uow.reservas.rows["c-1"].estado is EstadoReserva.CONSUMIDA


async def test_a_technical_failure_is_published_once_and_an_outcome_stands() -> None:
    uow = FakeMarcaUnitOfWork()
    fallo = RechazarPorFalloTecnico("c-1", "m-1", "fallo tecnico")

    await handlers.rechazar_por_fallo_tecnico(fallo, uow)
    await handlers.rechazar_por_fallo_tecnico(fallo, uow)

    [rechazo] = uow.commit()
    assert isinstance(rechazo, ReservaPresupuestoRechazada) and rechazo.tecnico


async def test_brands_are_registered_once_and_updated_when_they_exist() -> None:
    uow = FakeMarcaUnitOfWork()
    await handlers.registrar_marca(
        commands.RegistrarMarca("Nike", Decimal(500), id_marca="m-1"), uow
    )

    with pytest.raises(MarcaYaExiste):
        await handlers.registrar_marca(
            commands.RegistrarMarca("Nike", Decimal(500), id_marca="m-1"), uow
        )
    with pytest.raises(MarcaNoEncontrada):
        await handlers.actualizar_marca(commands.ActualizarMarca("m-2", desactivar=True), uow)
    await handlers.actualizar_marca(commands.ActualizarMarca("m-1", desactivar=True), uow)

    assert uow.marcas.rows["m-1"].activa is False
