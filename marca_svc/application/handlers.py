"""The use cases of marca. Each runs inside one unit of work (one database transaction).

A saga use case locks the campaign's reservation, then (only if money moves) the brand, calls the
domain, and hands the result to ``_confirmar``: the pending integration events go to the outbox and
the new state is stored, all committed together or not at all (see ``adapters.repository`` for the
lock order that keeps a brand from being over-reserved under concurrent sagas).

The reactions (``when_<event>_<action>``) translate an incoming event into a command; the
subscribers wire them to the topics.
"""

from __future__ import annotations

import logging
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING

from marca_svc.adapters import translators
from marca_svc.adapters.repository import MarcaRepository, ReservaRepository
from marca_svc.application.commands import (
    ActualizarMarca,
    Causa,
    ConsumirPresupuesto,
    LiberarPresupuesto,
    RechazarPorFalloTecnico,
    RegistrarMarca,
    ReservarPresupuesto,
)
from marca_svc.application.errors import (
    MarcaNoEncontrada,
    MarcaYaExiste,
)
from marca_svc.domain import Marca, ReservaPresupuesto
from marca_svc.domain import reactions as dominio

if TYPE_CHECKING:
    import contracts as c
    from alpes.db import UnitOfWork

logger = logging.getLogger("marca.handlers")


# --- commands from users ---


async def registrar_marca(cmd: RegistrarMarca, uow: UnitOfWork) -> Marca:
    marca = Marca.registrar(cmd.id_marca or str(uuid.uuid4()), cmd.nombre, cmd.presupuesto_total)
    if not await MarcaRepository(uow.session).add_if_missing(marca):
        raise MarcaYaExiste(marca.id_marca)
    marca.eventos.clear()  # MarcaRegistrada has no contract
    return marca


async def actualizar_marca(cmd: ActualizarMarca, uow: UnitOfWork) -> Marca:
    """Change the total (never below what is reserved) and/or deactivate the brand."""
    marcas = MarcaRepository(uow.session)
    marca = await marcas.lock(cmd.id_marca)
    if marca is None:
        raise MarcaNoEncontrada(cmd.id_marca)
    if cmd.presupuesto_total is not None:
        marca.ajustar_presupuesto_total(cmd.presupuesto_total)
    if cmd.desactivar:
        marca.desactivar()
    await marcas.save(marca)
    return marca


# --- the saga ---


async def reservar_presupuesto(cmd: ReservarPresupuesto, uow: UnitOfWork) -> None:
    """Reserve once; a stored reservation (duplicate, or cancelled first) means nothing to do."""
    reservas, marcas = ReservaRepository(uow.session), MarcaRepository(uow.session)
    if await reservas.lock(cmd.id_campana) is not None:
        logger.info("la campana %s ya tiene reserva: nada que hacer", cmd.id_campana)
        return
    marca = await _marca_de_campana(marcas, cmd)
    reserva = dominio.when_campana_creada_reservar(None, cmd.id_campana, marca, cmd.monto)
    await _confirmar(uow, cmd.causa, reservas, reserva, marcas=marcas, marca=marca)


async def _marca_de_campana(marcas: MarcaRepository, cmd: ReservarPresupuesto) -> Marca:
    """The brand, locked; registered first with the initial credit when marca never saw it."""
    marca = await marcas.lock(cmd.id_marca)
    if marca is None:
        nueva = Marca.desde_campana(None, cmd.id_marca, cmd.nombre_marca, cmd.credito_inicial)
        await marcas.add_if_missing(nueva)  # another saga may have registered it meanwhile
        marca = await marcas.lock(cmd.id_marca)
        assert marca is not None
    return marca


async def liberar_presupuesto(cmd: LiberarPresupuesto, uow: UnitOfWork) -> None:
    """Give the reservation back once; before ``CampanaCreada``, leave a tombstone."""
    reservas, marcas = ReservaRepository(uow.session), MarcaRepository(uow.session)
    reserva = await reservas.lock(cmd.id_campana)
    marca = None
    if reserva is not None and reserva.retiene_presupuesto and reserva.id_marca is not None:
        marca = await marcas.lock(reserva.id_marca)
    reserva = dominio.when_campana_cancelada_liberar(reserva, cmd.id_campana, cmd.motivo, marca)
    await _confirmar(uow, cmd.causa, reservas, reserva, marcas=marcas, marca=marca)


async def consumir_presupuesto(cmd: ConsumirPresupuesto, uow: UnitOfWork) -> None:
    """The campaign finished: its reservation stays spent."""
    reservas = ReservaRepository(uow.session)
    reserva = await reservas.lock(cmd.id_campana)
    dominio.when_campana_finalizada_consumir(reserva)
    if reserva is not None:
        await _confirmar(uow, cmd.causa, reservas, reserva)


async def rechazar_por_fallo_tecnico(cmd: RechazarPorFalloTecnico, uow: UnitOfWork) -> None:
    """Record and publish a technical rejection, unless the campaign already has an outcome."""
    reservas = ReservaRepository(uow.session)
    reserva = await reservas.lock(cmd.id_campana)
    reserva = dominio.when_fallo_tecnico_rechazar(reserva, cmd.id_campana, cmd.id_marca, cmd.motivo)
    await _confirmar(uow, cmd.causa, reservas, reserva)


async def _confirmar(
    uow: UnitOfWork,
    causa: Causa,
    reservas: ReservaRepository,
    reserva: ReservaPresupuesto,
    *,
    marcas: MarcaRepository | None = None,
    marca: Marca | None = None,
) -> None:
    """Queue the pending integration events in the outbox, then store the new state."""
    for evento in [*reserva.eventos, *(marca.eventos if marca else ())]:
        contrato = translators.a_contrato(evento, causa)
        if contrato is not None:
            await uow.publish(contrato)
    if marcas is not None and marca is not None:
        await marcas.save(marca)
    await reservas.save(reserva)


# --- reactions to the saga's events ---


async def when_campana_creada_reservar(
    event: c.CampanaCreada, uow: UnitOfWork, *, credito_inicial: Decimal
) -> None:
    await reservar_presupuesto(translators.reservar(event, credito_inicial), uow)


async def when_campana_creada_agotada_rechazar(
    event: c.CampanaCreada, error: BaseException, uow: UnitOfWork
) -> None:
    """The reservation failed on every attempt: publish the technical failure (docs/saga.md)."""
    await rechazar_por_fallo_tecnico(translators.rechazar_por_fallo_tecnico(event, error), uow)


async def when_campana_cancelada_liberar(event: c.CampanaCancelada, uow: UnitOfWork) -> None:
    await liberar_presupuesto(translators.liberar(event), uow)


async def when_asignacion_influencers_rechazada_liberar(
    event: c.AsignacionInfluencersRechazada, uow: UnitOfWork
) -> None:
    await liberar_presupuesto(translators.liberar(event), uow)


async def when_habilitacion_tracking_rechazada_liberar(
    event: c.HabilitacionTrackingRechazada, uow: UnitOfWork
) -> None:
    await liberar_presupuesto(translators.liberar(event), uow)


async def when_campana_finalizada_consumir(event: c.CampanaFinalizada, uow: UnitOfWork) -> None:
    await consumir_presupuesto(translators.consumir(event), uow)
