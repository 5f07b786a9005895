"""The use cases of afiliaciones. Each runs inside one unit of work
(``ports.AfiliacionesUnitOfWork``: one transaction).

A use case loads the campaign locked (``SELECT ... FOR UPDATE``), calls the domain and stores
the result: the repository writes the new state and timeline lines, and the unit of work
publishes the campaign's pending domain events with the transaction; all of it commits together
or not at all. A change that leaves nothing pending (a repeated outcome, say) stores nothing.

The participants' outcome events reach ``registrar_resultado`` as commands, translated by
``entrypoints.subscribers``; an outcome for a campaign this service never created is logged and
ignored. The saga's clock (``entrypoints.deadlines``) runs ``vencer_plazos`` and
``reenviar_cancelaciones``.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

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
    from afiliaciones_svc.application.ports import AfiliacionesUnitOfWork

logger = logging.getLogger("afiliaciones.handlers")


def _ahora() -> datetime:
    return datetime.now(UTC)


# --- commands from users ---


async def crear_campana(
    cmd: CrearCampana, uow: AfiliacionesUnitOfWork, *, plazo: timedelta
) -> Campana:
    """A new campaign, which opens its saga; ``plazo``: how long the saga may run."""
    campana = Campana.crear(
        cmd.solicitud,
        id_campana=str(uuid.uuid4()),
        ahora=_ahora(),
        plazo=plazo,
        id_saga=str(uuid.uuid4()),
        id_correlacion=cmd.id_correlacion,
    )
    await uow.campanas.add(campana)
    return campana


async def iniciar(cmd: IniciarCampana, uow: AfiliacionesUnitOfWork) -> Campana:
    campana = await _lock(uow, cmd.id_campana)
    campana.iniciar(_ahora())
    await uow.campanas.save(campana)
    return campana


async def finalizar(cmd: FinalizarCampana, uow: AfiliacionesUnitOfWork) -> Campana:
    campana = await _lock(uow, cmd.id_campana)
    campana.finalizar(_ahora())
    await uow.campanas.save(campana)
    return campana


async def cancelar(cmd: CancelarCampana, uow: AfiliacionesUnitOfWork) -> Campana:
    campana = await _lock(uow, cmd.id_campana)
    campana.cancelar(cmd.motivo, OrigenCancelacion.USUARIO, _ahora())
    await uow.campanas.save(campana)
    return campana


# --- the saga ---


async def registrar_resultado(cmd: RegistrarResultado, uow: AfiliacionesUnitOfWork) -> None:
    """A participant's success, failure or compensation, recorded in the campaign's saga."""
    campana = await uow.campanas.lock(cmd.id_campana)
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
    await uow.campanas.save(campana)


async def vencer_plazos(uow: AfiliacionesUnitOfWork, ahora: datetime, limit: int = 100) -> int:
    """Cancel (origen "plazo") up to ``limit`` sagas past their deadline; how many it looked at."""
    vencidas = await uow.campanas.vencidas(ahora, limit)
    for campana in vencidas:
        if campana.vencer_plazo(ahora):
            await uow.campanas.save(campana)
    return len(vencidas)


async def reenviar_cancelaciones(
    uow: AfiliacionesUnitOfWork,
    ahora: datetime,
    gracia: timedelta,
    espera_maxima: timedelta,
    limit: int = 100,
) -> int:
    """Send again the cancellation of up to ``limit`` sagas still ``compensando`` ``gracia``
    after it (and due for another look); how many it looked at."""
    pendientes = await uow.campanas.sin_compensar(ahora - gracia, ahora, limit)
    for campana in pendientes:
        if campana.reenviar_cancelacion(ahora, espera_maxima):
            await uow.campanas.save(campana)
    return len(pendientes)


# --- internals ---


async def _lock(uow: AfiliacionesUnitOfWork, id_campana: str) -> Campana:
    campana = await uow.campanas.lock(id_campana)
    if campana is None:
        raise CampanaNoEncontrada(id_campana)
    return campana
