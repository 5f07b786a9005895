"""The use cases of afiliaciones. Each runs inside one unit of work (one transaction).

A handler loads the campaign (locked: ``SELECT ... FOR UPDATE``), calls the domain, and hands
the result to ``_save``, which queues every pending domain event in the outbox and stores the
new state and timeline lines; all of it commits together or not at all.

The reactions (``when_<event>_<action>``) receive the participants' outcome events; a message
for a campaign this service never created is logged and ignored.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from afiliaciones_svc.adapters.repository import CampanaRepository
from afiliaciones_svc.adapters.translators import a_contrato, resultado_de
from afiliaciones_svc.application.commands import (
    CancelarCampana,
    CrearCampana,
    FinalizarCampana,
    IniciarCampana,
    RegistrarResultado,
)
from afiliaciones_svc.application.errors import CampanaNoEncontrada
from afiliaciones_svc.domain.model import Campana
from afiliaciones_svc.domain.saga import OrigenCancelacion, Resultado

if TYPE_CHECKING:
    import contracts as c
    from alpes.db import UnitOfWork
    from alpes.settings import Settings

logger = logging.getLogger("afiliaciones.handlers")


def _ahora() -> datetime:
    return datetime.now(UTC)


# --- commands from users ---


async def crear_campana(cmd: CrearCampana, uow: UnitOfWork, settings: Settings) -> Campana:
    campana = Campana.crear(
        id_campana=str(uuid.uuid4()),
        nombre=cmd.nombre,
        descripcion=cmd.descripcion,
        tipo=cmd.tipo,
        fecha_inicio=cmd.fecha_inicio,
        fecha_fin=cmd.fecha_fin,
        presupuesto=cmd.presupuesto,
        marca=cmd.marca,
        influencers=cmd.influencers,
        ahora=_ahora(),
        plazo=timedelta(seconds=settings.saga_deadline_seconds),
        id_saga=str(uuid.uuid4()),
        id_correlacion=cmd.id_correlacion,
    )
    await _save(uow, campana, nueva=True)
    return campana


async def iniciar(cmd: IniciarCampana, uow: UnitOfWork) -> Campana:
    campana = await _lock(uow, cmd.id_campana)
    campana.iniciar(_ahora())
    await _save(uow, campana)
    return campana


async def finalizar(cmd: FinalizarCampana, uow: UnitOfWork) -> Campana:
    campana = await _lock(uow, cmd.id_campana)
    campana.finalizar(_ahora())
    await _save(uow, campana)
    return campana


async def cancelar(cmd: CancelarCampana, uow: UnitOfWork) -> Campana:
    campana = await _lock(uow, cmd.id_campana)
    campana.cancelar(cmd.motivo, OrigenCancelacion.USUARIO, _ahora())
    await _save(uow, campana)
    return campana


# --- the saga ---


async def registrar_resultado(cmd: RegistrarResultado, uow: UnitOfWork) -> None:
    campana = await CampanaRepository(uow.session).get(cmd.id_campana, for_update=True)
    if campana is None:
        logger.warning(
            "%s de %s para la campaña desconocida %s: ignorado",
            cmd.resultado, cmd.participante, cmd.id_campana,
        )  # fmt: skip
        return
    ahora = _ahora()
    if cmd.resultado is Resultado.EXITO:
        campana.registrar_exito(cmd.participante, ahora)
    elif cmd.resultado is Resultado.FALLO:
        campana.registrar_fallo(cmd.participante, cmd.motivo or "sin motivo", ahora)
    else:
        campana.registrar_compensacion(cmd.participante, ahora, cmd.motivo)
    await _save(uow, campana)


async def vencer_plazos(uow: UnitOfWork, ahora: datetime, limit: int = 100) -> int:
    """Cancel (origen "plazo") up to ``limit`` sagas past their deadline; how many it did."""
    repo = CampanaRepository(uow.session)
    vencidas = await repo.vencidas(ahora, limit)
    for campana in vencidas:
        if campana.vencer_plazo(ahora):
            await _save(uow, campana, repo)
    return len(vencidas)


async def reenviar_cancelaciones(
    uow: UnitOfWork, ahora: datetime, gracia: timedelta, espera_maxima: timedelta, limit: int = 100
) -> int:
    """Send again the cancellation of up to ``limit`` sagas still ``compensando`` ``gracia``
    after it (and due for another look); how many it sent."""
    repo = CampanaRepository(uow.session)
    pendientes = await repo.sin_compensar(ahora - gracia, ahora, limit)
    for campana in pendientes:
        if campana.reenviar_cancelacion(ahora, espera_maxima):
            await _save(uow, campana, repo)
    return len(pendientes)


# --- the reaction to every participant's outcome ---


async def when_participante_responde_registrar(event: c.IntegrationEvent, uow: UnitOfWork) -> None:
    """A success, failure or compensation of marca, influencer or tracking (the events are
    listed in ``translators.RESULTADOS``): recorded in the campaign's saga."""
    await registrar_resultado(resultado_de(event), uow)


# --- internals ---


async def _lock(uow: UnitOfWork, id_campana: str) -> Campana:
    campana = await CampanaRepository(uow.session).get(id_campana, for_update=True)
    if campana is None:
        raise CampanaNoEncontrada(id_campana)
    return campana


async def _save(
    uow: UnitOfWork,
    campana: Campana,
    repo: CampanaRepository | None = None,
    *,
    nueva: bool = False,
) -> None:
    """Queue the pending events in the outbox, then store the state and the timeline.

    Every change of a campaign leaves a timeline line, so with none pending there is nothing
    to store (a repeated outcome, say) and the row is left as it was."""
    if not nueva and not campana.linea_de_tiempo_nueva and not campana.eventos:
        return
    for evento in campana.eventos:
        await uow.publish(a_contrato(evento))
    repo = repo or CampanaRepository(uow.session)
    await (repo.add(campana) if nueva else repo.save(campana))
