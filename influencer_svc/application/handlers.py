"""The use cases of influencer: HTTP commands and reactions to the saga's events.

Each runs inside one unit of work (one transaction): state, inbox row and outbox rows commit
together. A reaction locks its campaign first and its influencers after (see the repository).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import contracts as c
from influencer_svc import domain
from influencer_svc.adapters import translators
from influencer_svc.adapters.repository import AsignacionRepository, InfluencerRepository

from .errors import InfluencerNoEncontrado, InfluencerYaRegistrado, ReactivacionNoSoportada

if TYPE_CHECKING:
    from alpes.db import UnitOfWork

    from .commands import CambiarActividad, RegistrarInfluencer

LiberacionCausa = (
    c.CampanaCancelada | c.ReservaPresupuestoRechazada | c.HabilitacionTrackingRechazada
)


async def registrar_influencer(cmd: RegistrarInfluencer, uow: UnitOfWork) -> domain.Influencer:
    influencer = domain.Influencer.registrar(
        cmd.nombre, cmd.plataforma, cmd.seguidores, cmd.categoria
    )
    if not await InfluencerRepository(uow.session).add(influencer):
        raise InfluencerYaRegistrado(influencer.nombre, influencer.plataforma)
    return influencer


async def cambiar_actividad(cmd: CambiarActividad, uow: UnitOfWork) -> domain.Influencer:
    repository = InfluencerRepository(uow.session)
    influencer = await repository.get(cmd.id_influencer)
    if influencer is None:
        raise InfluencerNoEncontrado(cmd.id_influencer)
    if cmd.activo and not influencer.activo:
        raise ReactivacionNoSoportada(cmd.id_influencer)
    if not cmd.activo:
        influencer.desactivar()
    await repository.save()
    return influencer


async def when_campana_creada_asignar(
    event: c.CampanaCreada, uow: UnitOfWork, *, max_campanas: int
) -> None:
    asignaciones = AsignacionRepository(uow.session)
    asignacion = await asignaciones.lock(event.id_campana)
    if asignacion is not None:
        return  # already handled, or cancelled before it was created: nothing to do
    influencers = InfluencerRepository(uow.session)
    solicitados = translators.solicitados(event)
    cartera = await influencers.cartera_para(solicitados)
    asignacion = domain.when_campana_creada_asignar(
        None, event.id_campana, solicitados, cartera, max_campanas
    )
    await influencers.save(cartera.nuevos)
    await _save(asignacion, asignaciones, uow, event)


async def when_campana_creada_falla_rechazar(
    event: c.CampanaCreada, exc: BaseException, uow: UnitOfWork
) -> None:
    """The retries are spent: publish the technical rejection (unless already handled)."""
    asignaciones = AsignacionRepository(uow.session)
    asignacion = domain.when_fallo_tecnico_rechazar(
        await asignaciones.lock(event.id_campana),
        event.id_campana,
        f"fallo tecnico en influencer: {type(exc).__name__}",
    )
    await _save(asignacion, asignaciones, uow, event)


async def when_campana_cancelada_liberar(event: LiberacionCausa, uow: UnitOfWork) -> None:
    """Also the reaction to another participant's failure: compensate, or leave a tombstone."""
    asignaciones = AsignacionRepository(uow.session)
    asignacion = await asignaciones.lock(event.id_campana)
    influencers = InfluencerRepository(uow.session)
    cartera = await _cartera_de(asignacion, influencers)
    asignacion = domain.when_campana_cancelada_liberar(
        asignacion, event.id_campana, event.motivo, cartera
    )
    await influencers.save()
    await _save(asignacion, asignaciones, uow, event)


async def when_campana_finalizada_liberar(event: c.CampanaFinalizada, uow: UnitOfWork) -> None:
    asignaciones = AsignacionRepository(uow.session)
    asignacion = await asignaciones.lock(event.id_campana)
    if asignacion is None:
        return
    influencers = InfluencerRepository(uow.session)
    cartera = await _cartera_de(asignacion, influencers)
    domain.when_campana_finalizada_liberar(asignacion, cartera)
    await influencers.save()
    await _save(asignacion, asignaciones, uow, event)


async def _cartera_de(
    asignacion: domain.AsignacionCampana | None, influencers: InfluencerRepository
) -> domain.CarteraInfluencers:
    """The influencers a release frees, locked; none when the campaign holds none."""
    if asignacion is None or not asignacion.retiene_influencers:
        return domain.CarteraInfluencers()
    return await influencers.cartera(asignacion.ids_influencer)


async def _save(
    asignacion: domain.AsignacionCampana,
    repository: AsignacionRepository,
    uow: UnitOfWork,
    causa: c.IntegrationEvent,
) -> None:
    await repository.save(asignacion)
    for evento in asignacion.eventos:
        await uow.publish(translators.a_contrato(evento, causa))
    asignacion.eventos.clear()
