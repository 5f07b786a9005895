"""The use cases of influencer. Each runs inside one unit of work (``ports.InfluencerUnitOfWork``:
one database transaction); what the repositories store has its pending domain events published,
with the transaction, by the unit of work.

A saga use case locks its campaign's assignment first and its influencers after (see the
repository). The saga's events reach these use cases as commands, translated by
``entrypoints.subscribers``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from influencer_svc import domain

from .errors import InfluencerNoEncontrado, InfluencerYaRegistrado, ReactivacionNoSoportada

if TYPE_CHECKING:
    from .commands import (
        AsignarInfluencers,
        CambiarActividad,
        FinalizarAsignacion,
        LiberarInfluencers,
        RechazarPorFalloTecnico,
        RegistrarInfluencer,
    )
    from .ports import Influencers, InfluencerUnitOfWork


# --- commands from users ---


async def registrar_influencer(
    cmd: RegistrarInfluencer, uow: InfluencerUnitOfWork
) -> domain.Influencer:
    influencer = domain.Influencer.registrar(
        cmd.nombre, cmd.plataforma, cmd.seguidores, cmd.categoria
    )
    if not await uow.influencers.add(influencer):
        raise InfluencerYaRegistrado(influencer.nombre, influencer.plataforma)
    return influencer


async def cambiar_actividad(cmd: CambiarActividad, uow: InfluencerUnitOfWork) -> domain.Influencer:
    influencer = await uow.influencers.get(cmd.id_influencer)
    if influencer is None:
        raise InfluencerNoEncontrado(cmd.id_influencer)
    if cmd.activo and not influencer.activo:
        raise ReactivacionNoSoportada(cmd.id_influencer)
    if not cmd.activo:
        influencer.desactivar()
    await uow.influencers.save()
    return influencer


# --- the saga ---


async def asignar_influencers(cmd: AsignarInfluencers, uow: InfluencerUnitOfWork) -> None:
    """Assign once; a stored assignment (duplicate, or cancelled first) means nothing to do."""
    if await uow.asignaciones.lock(cmd.id_campana) is not None:
        return
    cartera = await uow.influencers.cartera_para(cmd.solicitados)
    asignacion = domain.when_campana_creada_asignar(
        None, cmd.id_campana, cmd.solicitados, cartera, cmd.max_campanas
    )
    await uow.influencers.save(cartera.nuevos)
    await uow.asignaciones.save(asignacion)


async def rechazar_por_fallo_tecnico(
    cmd: RechazarPorFalloTecnico, uow: InfluencerUnitOfWork
) -> None:
    """The retries are spent: publish the technical rejection (unless already handled)."""
    asignacion = domain.when_fallo_tecnico_rechazar(
        await uow.asignaciones.lock(cmd.id_campana), cmd.id_campana, cmd.motivo
    )
    await uow.asignaciones.save(asignacion)


async def liberar_influencers(cmd: LiberarInfluencers, uow: InfluencerUnitOfWork) -> None:
    """Compensate once, or leave a tombstone when the campaign was never assigned."""
    asignacion = await uow.asignaciones.lock(cmd.id_campana)
    cartera = await _cartera_de(asignacion, uow.influencers)
    asignacion = domain.when_campana_cancelada_liberar(
        asignacion, cmd.id_campana, cmd.motivo, cartera
    )
    await uow.influencers.save()
    await uow.asignaciones.save(asignacion)


async def finalizar_asignacion(cmd: FinalizarAsignacion, uow: InfluencerUnitOfWork) -> None:
    """The campaign finished: its influencers get their capacity back."""
    asignacion = await uow.asignaciones.lock(cmd.id_campana)
    if asignacion is None:
        return
    cartera = await _cartera_de(asignacion, uow.influencers)
    domain.when_campana_finalizada_liberar(asignacion, cartera)
    await uow.influencers.save()
    await uow.asignaciones.save(asignacion)


async def _cartera_de(
    asignacion: domain.AsignacionCampana | None, influencers: Influencers
) -> domain.CarteraInfluencers:
    """The influencers a release frees, locked; none when the campaign holds none."""
    if asignacion is None or not asignacion.retiene:
        return domain.CarteraInfluencers()
    return await influencers.cartera(asignacion.ids_influencer)
