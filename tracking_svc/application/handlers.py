"""The use cases of tracking.

Ingestion (``registrar_lotes``) is the hot path and needs no outbox or inbox: it reads the
campaigns' state, asks the domain whether every event counts, then stores the event rows and
their summed increments in one atomic statement; all or nothing. It works on the storage that
``abrir`` opens (``ports.EventosTracking``), outside any unit of work.

The saga's use cases each run in one unit of work (one transaction with the message's inbox
row; the unit of work puts the pending domain events of what it stored in the outbox when it
commits, translated with the incoming event's saga and correlation). They serialize on the
campaign (``lock``), apply the domain's reaction and store the result.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple
from uuid import UUID

from alpes.commands import RechazarPorFalloTecnico
from tracking_svc import domain
from tracking_svc.application.commands import (
    CerrarTracking,
    DeshabilitarTracking,
    HabilitarTracking,
    RegistrarEvento,
)
from tracking_svc.application.errors import CampanaNoEncontrada, EventoRechazado
from tracking_svc.application.ports import EventoNuevo, EventosNuevos
from tracking_svc.domain import (
    CampanaTracking,
    ErrorDominio,
    FuenteAleatoria,
    Incremento,
    TipoEvento,
)

if TYPE_CHECKING:
    from tracking_svc.application.ports import AbrirEventos, TrackingUnitOfWork

logger = logging.getLogger("tracking.handlers")

MICROSEGUNDO = timedelta(microseconds=1)


# --- ingestion ---

Lote = Sequence[RegistrarEvento]
"""The events of one request: they count all together or not at all."""


class Registro(NamedTuple):
    """The answer for one event of a request: the stored event, and whether this request
    stored it (``repetido`` False) or it was stored already, under the same ``id_evento``, by
    an earlier event (of this request, of another one, or of a concurrent writer). A named
    tuple: one is made per event, and it is the cheapest immutable record to make."""

    evento: EventoNuevo
    repetido: bool = False


@dataclass(frozen=True)
class _LoteAceptado:
    registros: list[Registro]  # one per event of the request, in its order
    eventos: list[EventoNuevo]  # the events to write (distinct ids)
    incrementos: list[Incremento]  # what each of them adds, in the same order


async def registrar_lotes(
    lotes: Sequence[Lote], abrir: AbrirEventos
) -> list[list[Registro] | EventoRechazado]:
    """Count several independent batches with one read and one atomic write.

    Each batch is accepted or refused on its own (``EventoRechazado`` names its first refused
    event); the accepted ones are stored together, in one statement, or not at all.

    An event whose ``id_evento`` is stored already, or was given to an earlier event of these
    batches, is a repeat: it is answered with that first event, counts nothing and is not
    checked again (a retry after the campaign ended still gets its event). The write inserts
    with ``ON CONFLICT DO NOTHING`` and counts only the rows it inserted; an id that a
    concurrent writer stored first is answered with that writer's event, read afterwards.

    The campaigns' state is read with a plain SELECT, without a lock, before the write. So a
    cancellation committed in between may let a batch count: it is then ordered just before
    the cancellation, as if it had arrived a moment earlier, which is acceptable. Locking the
    campaign for every event would serialize all ingestion of a campaign instead.
    """
    async with abrir() as repo:
        campanas = await repo.aceptacion(
            {cmd.id_campana for lote in lotes for cmd in lote},
            {cmd.codigo for lote in lotes for cmd in lote if cmd.codigo is not None},
        )
        pedidos = {cmd.id_evento for lote in lotes for cmd in lote if cmd.id_evento is not None}
        conocidos = await repo.eventos(pedidos) if pedidos else {}
        resultados = [_aceptar_lote(lote, campanas, conocidos) for lote in lotes]
        aceptados = [r for r in resultados if isinstance(r, _LoteAceptado)]
        eventos = [e for r in aceptados for e in r.eventos]
        if not eventos:
            return [r.registros if isinstance(r, _LoteAceptado) else r for r in resultados]
        insertados = await repo.add(
            EventosNuevos(
                eventos=eventos,
                incrementos=[i for r in aceptados for i in r.incrementos],
                ids_del_cliente=bool(pedidos),
            )
        )
        ganados = {e.id for e in eventos} - insertados  # stored first by a concurrent writer
        originales = await repo.eventos(ganados) if ganados else {}
    if originales.keys() != ganados:
        msg = f"events neither inserted nor found: {sorted(ganados - originales.keys())}"
        raise RuntimeError(msg)
    if not ganados:  # every new event was inserted by this write: the answers stand as they are
        return [r.registros if isinstance(r, _LoteAceptado) else r for r in resultados]
    return [
        [
            Registro(originales.get(r.evento.id, r.evento), r.repetido or r.evento.id in ganados)
            for r in resultado.registros
        ]
        if isinstance(resultado, _LoteAceptado)
        else resultado
        for resultado in resultados
    ]


def _aceptar_lote(
    lote: Lote, campanas: Mapping[str, CampanaTracking], conocidos: dict[UUID, EventoNuevo]
) -> _LoteAceptado | EventoRechazado:
    """Accept ``lote`` or name its first refused event. ``conocidos`` holds the events known so
    far by a client's id (stored, or of earlier accepted batches): a repeat of one of them is
    answered with it; an accepted lote adds its new events with a client's id to it (an id
    generated here cannot come again)."""
    ahora = datetime.now(UTC)
    ids = _uuid4s(len(lote))  # one read of the random source for the whole batch
    registros: list[Registro] = []
    eventos: list[EventoNuevo] = []
    incrementos: list[Incremento] = []
    propios: dict[UUID, EventoNuevo] = {}
    # the domain's answer is the same for every event of one campaign, type and code
    vistos: dict[tuple[str, str, str | None], TipoEvento] = {}
    for i, cmd in enumerate(lote):
        if cmd.id_evento is not None:
            anterior = conocidos.get(cmd.id_evento) or propios.get(cmd.id_evento)
            if anterior is not None:
                registros.append(Registro(anterior, repetido=True))
                continue
        clave = (cmd.id_campana, cmd.tipo_evento, cmd.codigo)
        tipo = vistos.get(clave)
        try:
            if tipo is None:
                tipo = vistos[clave] = _aceptar(cmd, campanas.get(cmd.id_campana))
            incremento = Incremento.de_evento(tipo, cmd.datos)
        except (ErrorDominio, CampanaNoEncontrada) as error:
            return EventoRechazado(i, error)
        evento = EventoNuevo(
            id=cmd.id_evento or ids[i],
            id_campana=cmd.id_campana,
            tipo_evento=str(tipo),  # its value (a StrEnum), without enum's slower property
            datos=cmd.datos,
            codigo=cmd.codigo,
            fecha_evento=ahora + i * MICROSEGUNDO,  # a batch keeps its order, newest last
        )
        if cmd.id_evento is not None:  # only a client's id may come again
            propios[evento.id] = evento
        registros.append(Registro(evento))
        eventos.append(evento)
        incrementos.append(incremento)
    conocidos.update(propios)
    return _LoteAceptado(registros, eventos, incrementos)


_VERSION_4 = ~(0xF000 << 64) & ~(0xC000 << 48) & (2**128 - 1)
_BITS_4 = (4 << 76) | (0x8000 << 48)


def _uuid4s(n: int) -> list[UUID]:
    """``n`` random UUIDs, made as ``uuid.uuid4`` makes them (16 bytes of ``os.urandom``, the
    version and variant bits set) but with one call of the random source for all of them."""
    aleatorio = os.urandom(16 * n)
    return [
        UUID(int=int.from_bytes(aleatorio[k : k + 16]) & _VERSION_4 | _BITS_4)
        for k in range(0, 16 * n, 16)
    ]


def _aceptar(cmd: RegistrarEvento, campana: CampanaTracking | None) -> TipoEvento:
    tipo = TipoEvento.desde_texto(cmd.tipo_evento)
    if campana is None:
        raise CampanaNoEncontrada(cmd.id_campana)
    campana.aceptar_evento(tipo, cmd.codigo)
    return tipo


# --- the saga ---


async def habilitar_tracking(
    cmd: HabilitarTracking, uow: TrackingUnitOfWork, fuente: FuenteAleatoria = secrets.token_bytes
) -> None:
    """Provision metrics and one code per influencer, once (nothing after a cancellation)."""
    campana = await uow.campanas.lock(cmd.id_campana)
    campana = domain.when_campana_creada_habilitar(
        campana, cmd.id_campana, cmd.id_marca, cmd.influencers, fuente
    )
    await uow.campanas.save(campana)


async def deshabilitar_tracking(cmd: DeshabilitarTracking, uow: TrackingUnitOfWork) -> None:
    """Compensate: disable the codes (a tombstone if the campaign is not known yet)."""
    campana = await uow.campanas.lock(cmd.id_campana)
    campana = domain.when_campana_cancelada_deshabilitar(campana, cmd.id_campana, cmd.motivo)
    await uow.campanas.save(campana)


async def cerrar_tracking(cmd: CerrarTracking, uow: TrackingUnitOfWork) -> None:
    """The campaign finished: stop counting its events."""
    campana = await uow.campanas.lock(cmd.id_campana)
    if campana is None:
        logger.warning("CampanaFinalizada de una campana desconocida: %s", cmd.id_campana)
        return
    domain.when_campana_finalizada_cerrar(campana)
    await uow.campanas.save(campana)


async def rechazar_por_fallo_tecnico(cmd: RechazarPorFalloTecnico, uow: TrackingUnitOfWork) -> None:
    """Enabling kept failing: publish a technical rejection so the saga never waits, unless
    the campaign already has an outcome."""
    campana = await uow.campanas.lock(cmd.id_campana)
    campana = domain.when_fallo_tecnico_rechazar(campana, cmd.id_campana, cmd.id_marca, cmd.motivo)
    await uow.campanas.save(campana)
