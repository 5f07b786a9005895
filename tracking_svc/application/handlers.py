"""The use cases of tracking. Each runs inside one unit of work (one transaction).

Ingestion (``registrar_eventos``) asks the domain whether every event counts, then stores the event
rows and their summed increments together; all or nothing.

The reactions (``when_<event>_<action>``) are the saga's: they serialize on the campaign
(``bloquear``), load its tracking, apply the domain's reaction, store the result and queue each
pending domain event in the outbox, translated with the incoming event's saga and correlation.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from tracking_svc import domain
from tracking_svc.adapters.repository import (
    CampanaTrackingRepository,
    EventoNuevo,
    EventoTrackingRepository,
)
from tracking_svc.adapters.translators import a_contrato, influencers_de
from tracking_svc.application.commands import RegistrarEvento
from tracking_svc.application.errors import CampanaNoEncontrada, EventoRechazado
from tracking_svc.domain import (
    CampanaTracking,
    ErrorDominio,
    FuenteAleatoria,
    Incremento,
    TipoEvento,
)

if TYPE_CHECKING:
    import contracts as c
    from alpes.db import UnitOfWork

logger = logging.getLogger("tracking.handlers")

MICROSEGUNDO = timedelta(microseconds=1)


# --- ingestion ---


async def registrar_evento(cmd: RegistrarEvento, uow: UnitOfWork) -> EventoNuevo:
    """Count one event. Raises the domain's error, or CampanaNoEncontrada."""
    try:
        (evento,) = await registrar_eventos([cmd], uow)
    except EventoRechazado as rechazo:
        raise rechazo.causa from None
    return evento


async def registrar_eventos(cmds: Sequence[RegistrarEvento], uow: UnitOfWork) -> list[EventoNuevo]:
    """Count a batch, all or nothing: EventoRechazado names the first event refused.

    The campaigns' state is read without a lock, so a cancellation committed while this batch is
    in flight may let it count. That is accepted: the batch is ordered before the cancellation,
    just as if it had arrived a moment earlier; locking the campaign row would serialize all
    ingestion of a campaign instead.
    """
    tipos = [_tipo(i, cmd) for i, cmd in enumerate(cmds)]
    repo = EventoTrackingRepository(uow.session)
    campanas = await repo.aceptacion(
        {cmd.id_campana for cmd in cmds}, {cmd.codigo for cmd in cmds if cmd.codigo is not None}
    )
    por_campana: dict[str, Incremento] = defaultdict(Incremento)
    por_codigo: dict[tuple[str, str], Incremento] = defaultdict(Incremento)
    for i, (cmd, tipo) in enumerate(zip(cmds, tipos, strict=True)):
        _aceptar(i, cmd, tipo, campanas.get(cmd.id_campana))
        incremento = Incremento.de_evento(tipo, cmd.datos)
        por_campana[cmd.id_campana] += incremento
        if cmd.codigo is not None:
            por_codigo[cmd.id_campana, cmd.codigo] += incremento
    ahora = datetime.now(UTC)
    eventos = [
        EventoNuevo(
            id=uuid.uuid4(),
            id_campana=cmd.id_campana,
            tipo_evento=tipo.value,
            datos=cmd.datos,
            codigo=cmd.codigo,
            fecha_evento=ahora + i * MICROSEGUNDO,  # a batch keeps its order, newest last
        )
        for i, (cmd, tipo) in enumerate(zip(cmds, tipos, strict=True))
    ]
    await repo.agregar(eventos, por_campana, por_codigo)
    return eventos


def _tipo(indice: int, cmd: RegistrarEvento) -> TipoEvento:
    try:
        return TipoEvento.desde_texto(cmd.tipo_evento)
    except ErrorDominio as error:
        raise EventoRechazado(indice, error) from None


def _aceptar(
    indice: int, cmd: RegistrarEvento, tipo: TipoEvento, campana: CampanaTracking | None
) -> None:
    try:
        if campana is None:
            raise CampanaNoEncontrada(cmd.id_campana)
        campana.aceptar_evento(tipo, cmd.codigo)
    except (ErrorDominio, CampanaNoEncontrada) as error:
        raise EventoRechazado(indice, error) from None


# --- the saga ---


async def when_campana_creada_habilitar(
    evento: c.CampanaCreada, uow: UnitOfWork, fuente: FuenteAleatoria = secrets.token_bytes
) -> None:
    """Provision metrics and one code per influencer, once (nothing after a cancellation)."""
    repo, campana = await _cargar(uow, evento.id_campana)
    version = _version(campana)
    campana = domain.when_campana_creada_habilitar(
        campana, evento.id_campana, evento.marca.id_marca, influencers_de(evento), fuente
    )
    await _guardar(uow, repo, campana, evento, version)


async def when_campana_cancelada_deshabilitar(
    evento: c.CampanaCancelada | c.ReservaPresupuestoRechazada | c.AsignacionInfluencersRechazada,
    uow: UnitOfWork,
) -> None:
    """Compensate: disable the codes (a tombstone if the campaign is not known yet)."""
    repo, campana = await _cargar(uow, evento.id_campana)
    version = _version(campana)
    campana = domain.when_campana_cancelada_deshabilitar(campana, evento.id_campana, evento.motivo)
    await _guardar(uow, repo, campana, evento, version)


async def when_campana_finalizada_cerrar(evento: c.CampanaFinalizada, uow: UnitOfWork) -> None:
    """The campaign finished: stop counting its events."""
    repo, campana = await _cargar(uow, evento.id_campana)
    if campana is None:
        logger.warning("CampanaFinalizada de una campana desconocida: %s", evento.id_campana)
        return
    version = campana.version
    domain.when_campana_finalizada_cerrar(campana)
    await _guardar(uow, repo, campana, evento, version)


async def when_fallo_tecnico_rechazar(
    evento: c.CampanaCreada, error: BaseException, uow: UnitOfWork
) -> None:
    """``CampanaCreada`` kept failing: publish a technical rejection so the saga never waits."""
    repo, campana = await _cargar(uow, evento.id_campana)
    version = _version(campana)
    motivo = f"fallo tecnico al habilitar el tracking: {type(error).__name__}"
    campana = domain.when_fallo_tecnico_rechazar(
        campana, evento.id_campana, evento.marca.id_marca, motivo
    )
    await _guardar(uow, repo, campana, evento, version)


async def _cargar(
    uow: UnitOfWork, id_campana: str
) -> tuple[CampanaTrackingRepository, CampanaTracking | None]:
    repo = CampanaTrackingRepository(uow.session)
    await repo.bloquear(id_campana)
    return repo, await repo.get(id_campana)


def _version(campana: CampanaTracking | None) -> int | None:
    return None if campana is None else campana.version


async def _guardar(
    uow: UnitOfWork,
    repo: CampanaTrackingRepository,
    campana: CampanaTracking,
    causa: c.IntegrationEvent,
    version_leida: int | None,
) -> None:
    """Store ``campana`` (new if ``version_leida`` is None; else only if it changed) and queue
    its pending events, translated with the saga and correlation of ``causa``."""
    if version_leida is None:
        await repo.add(campana)
    elif campana.version != version_leida:
        await repo.save(campana, version_leida)
    for evento in campana.eventos:
        await uow.publish(a_contrato(evento, causa))
    campana.eventos.clear()
