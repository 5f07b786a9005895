"""The use cases of marca. Each runs inside one unit of work (``ports.MarcaUnitOfWork``: one
database transaction); what the repositories store has its pending domain events published, with
the transaction, by the unit of work.

A saga use case locks the campaign's reservation, then (only if money moves) the brand, calls the
domain and stores the result (see ``adapters.repository`` for the lock order that keeps a brand
from being over-reserved under concurrent sagas). The saga's events reach these use cases as
commands, translated by ``entrypoints.subscribers``.
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING

from alpes.commands import RechazarPorFalloTecnico
from marca_svc.application.commands import (
    ActualizarMarca,
    ConsumirPresupuesto,
    LiberarPresupuesto,
    RegistrarMarca,
    ReservarPresupuesto,
)
from marca_svc.application.errors import MarcaNoEncontrada, MarcaYaExiste
from marca_svc.domain import Marca
from marca_svc.domain import reactions as dominio

if TYPE_CHECKING:
    from marca_svc.application.ports import Marcas, MarcaUnitOfWork

logger = logging.getLogger("marca.handlers")


# --- commands from users ---


async def registrar_marca(cmd: RegistrarMarca, uow: MarcaUnitOfWork) -> Marca:
    marca = Marca.registrar(cmd.id_marca or str(uuid.uuid4()), cmd.nombre, cmd.presupuesto_total)
    if not await uow.marcas.add_if_missing(marca):
        raise MarcaYaExiste(marca.id_marca)
    return marca


async def actualizar_marca(cmd: ActualizarMarca, uow: MarcaUnitOfWork) -> Marca:
    """Change the total (never below what is reserved) and/or deactivate the brand."""
    marca = await uow.marcas.lock(cmd.id_marca)
    if marca is None:
        raise MarcaNoEncontrada(cmd.id_marca)
    if cmd.presupuesto_total is not None:
        marca.ajustar_presupuesto_total(cmd.presupuesto_total)
    if cmd.desactivar:
        marca.desactivar()
    await uow.marcas.save(marca)
    return marca


# --- the saga ---


async def reservar_presupuesto(cmd: ReservarPresupuesto, uow: MarcaUnitOfWork) -> None:
    """Reserve once; a stored reservation (duplicate, or cancelled first) means nothing to do."""
    if await uow.reservas.lock(cmd.id_campana) is not None:
        logger.info("la campana %s ya tiene reserva: nada que hacer", cmd.id_campana)
        return
    marca = await _marca_de_campana(uow.marcas, cmd)
    reserva = dominio.when_campana_creada_reservar(None, cmd.id_campana, marca, cmd.monto)
    await uow.marcas.save(marca)
    await uow.reservas.save(reserva)


async def _marca_de_campana(marcas: Marcas, cmd: ReservarPresupuesto) -> Marca:
    """The brand, locked; registered first with the initial credit when marca never saw it."""
    marca = await marcas.lock(cmd.id_marca)
    if marca is None:
        nueva = Marca.desde_campana(None, cmd.id_marca, cmd.nombre_marca, cmd.credito_inicial)
        await marcas.add_if_missing(nueva)  # another saga may have registered it meanwhile
        marca = await marcas.lock(cmd.id_marca)
        assert marca is not None
    return marca


async def liberar_presupuesto(cmd: LiberarPresupuesto, uow: MarcaUnitOfWork) -> None:
    """Give the reservation back once; before ``CampanaCreada``, leave a tombstone."""
    reserva = await uow.reservas.lock(cmd.id_campana)
    marca = None
    if reserva is not None and reserva.retiene and reserva.id_marca is not None:
        marca = await uow.marcas.lock(reserva.id_marca)
    reserva = dominio.when_campana_cancelada_liberar(reserva, cmd.id_campana, cmd.motivo, marca)
    if marca is not None:
        await uow.marcas.save(marca)
    await uow.reservas.save(reserva)


async def consumir_presupuesto(cmd: ConsumirPresupuesto, uow: MarcaUnitOfWork) -> None:
    """The campaign finished: its reservation stays spent."""
    reserva = await uow.reservas.lock(cmd.id_campana)
    dominio.when_campana_finalizada_consumir(reserva)
    if reserva is not None:
        await uow.reservas.save(reserva)


async def rechazar_por_fallo_tecnico(cmd: RechazarPorFalloTecnico, uow: MarcaUnitOfWork) -> None:
    """Record and publish a technical rejection, unless the campaign already has an outcome."""
    reserva = await uow.reservas.lock(cmd.id_campana)
    reserva = dominio.when_fallo_tecnico_rechazar(reserva, cmd.id_campana, cmd.id_marca, cmd.motivo)
    await uow.reservas.save(reserva)
