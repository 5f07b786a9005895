"""The use cases of tracking.

Ingestion (``registrar_lotes``) is the hot path and needs no outbox or inbox: it reads the
campaigns' state, asks the domain whether every event counts, then stores the event rows and
their summed increments in one atomic statement; all or nothing.

The reactions (``when_<event>_<action>``) are the saga's; each runs in one unit of work (one
transaction with the message's inbox row and its outbox rows). They serialize on the campaign
(``bloquear``), load its tracking, apply the domain's reaction, store the result and queue each
pending domain event in the outbox, translated with the incoming event's saga and correlation.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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
    from alpes.db import Database, UnitOfWork

logger = logging.getLogger("tracking.handlers")

MICROSEGUNDO = timedelta(microseconds=1)


# --- ingestion ---

Lote = Sequence[RegistrarEvento]
"""The events of one request: they count all together or not at all."""


@dataclass(frozen=True)
class _LoteAceptado:
    eventos: list[EventoNuevo]
    incrementos: list[Incremento]  # one per event, in the same order


async def registrar_lotes(
    lotes: Sequence[Lote], db: Database
) -> list[list[EventoNuevo] | EventoRechazado]:
    """Count several independent batches with one read and one atomic write.

    Each batch is accepted or refused on its own (``EventoRechazado`` names its first refused
    event); the accepted ones are stored together, in one statement, or not at all.

    The campaigns' state is read with a plain SELECT, without a lock, before the write. So a
    cancellation committed in between may let a batch count: it is then ordered just before
    the cancellation, as if it had arrived a moment earlier, which is acceptable. Locking the
    campaign for every event would serialize all ingestion of a campaign instead.
    """
    async with EventoTrackingRepository.abrir(db.engine) as repo:
        campanas = await repo.aceptacion(
            {cmd.id_campana for lote in lotes for cmd in lote},
            {cmd.codigo for lote in lotes for cmd in lote if cmd.codigo is not None},
        )
        resultados = [_aceptar_lote(lote, campanas) for lote in lotes]
        aceptados = [r for r in resultados if isinstance(r, _LoteAceptado)]
        if aceptados:
            await repo.agregar(
                [evento for lote in aceptados for evento in lote.eventos],
                [incremento for lote in aceptados for incremento in lote.incrementos],
            )
    return [r.eventos if isinstance(r, _LoteAceptado) else r for r in resultados]


def _aceptar_lote(
    lote: Lote, campanas: Mapping[str, CampanaTracking]
) -> _LoteAceptado | EventoRechazado:
    ahora = datetime.now(UTC)
    eventos, incrementos = [], []
    # the domain's answer is the same for every event of one campaign, type and code
    vistos: dict[tuple[str, str, str | None], TipoEvento] = {}
    for i, cmd in enumerate(lote):
        clave = (cmd.id_campana, cmd.tipo_evento, cmd.codigo)
        tipo = vistos.get(clave)
        if tipo is None:
            try:
                tipo = vistos[clave] = _aceptar(cmd, campanas.get(cmd.id_campana))
            except (ErrorDominio, CampanaNoEncontrada) as error:
                return EventoRechazado(i, error)
        incrementos.append(Incremento.de_evento(tipo, cmd.datos))
        eventos.append(
            EventoNuevo(
                id=uuid.uuid4(),
                id_campana=cmd.id_campana,
                tipo_evento=tipo.value,
                datos=cmd.datos,
                codigo=cmd.codigo,
                fecha_evento=ahora + i * MICROSEGUNDO,  # a batch keeps its order, newest last
            )
        )
    return _LoteAceptado(eventos, incrementos)


def _aceptar(cmd: RegistrarEvento, campana: CampanaTracking | None) -> TipoEvento:
    tipo = TipoEvento.desde_texto(cmd.tipo_evento)
    if campana is None:
        raise CampanaNoEncontrada(cmd.id_campana)
    campana.aceptar_evento(tipo, cmd.codigo)
    return tipo


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
