"""Group commit for ingestion: concurrent requests share one read and one write.

Every event of a campaign increments the same metrics row, and a write holds that row's lock
until it commits, so the writes of one campaign can only happen one after the other, each
paying a connection checkout, a read and a commit. ``EventoBatcher`` turns that queue into
batches: a writer takes every request waiting (up to ``max_eventos`` events) and hands them to
``handlers.registrar_lotes``, one read and one atomic statement for all of them; requests that
arrive meanwhile wait for the next batch. Each request is still accepted or refused on its own,
all of its events or none. Alone, a request is written at once; under load a request costs a
small share of one transaction, so a single event costs about what an event of a bulk request
does. A database error fails every request of its batch (none of them was stored). Repeats of
an ``id_evento`` (within a request, across the requests of a batch, or of an event stored
before) are resolved by ``registrar_lotes`` and count once. Each batch opens the storage with
``abrir`` (``ports.AbrirEventos``, which the composition root passes in): once per batch, never
per event.

A batch is written in the context (``contextvars``) of the first request it carries, which
waits for it: its statements belong to that request's trace and its log lines to that
request's correlation id, not to whichever request happened to start the writer (a writer
outlives the request that started it, and goes on with the batches of later ones).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections import deque
from typing import TYPE_CHECKING

from tracking_svc.application import handlers

if TYPE_CHECKING:
    from tracking_svc.application.errors import EventoRechazado
    from tracking_svc.application.ports import AbrirEventos

logger = logging.getLogger("tracking.ingesta")

Resultado = asyncio.Future[list[handlers.Registro]]
Pedido = tuple[handlers.Lote, Resultado, contextvars.Context]
"""A request waiting: its events, its answer, and the context it was made in."""


class EventoBatcher:
    def __init__(
        self, abrir: AbrirEventos, *, max_eventos: int = 2000, escritores: int = 2
    ) -> None:
        self._abrir = abrir
        self._max_eventos = max_eventos
        self._escritores = escritores
        self._cola: deque[Pedido] = deque()
        self._activos: set[asyncio.Task[None]] = set()

    async def registrar(self, lote: handlers.Lote) -> list[handlers.Registro]:
        """Count ``lote``, all or nothing; raises ``EventoRechazado``. One ``Registro`` per
        event: the stored event, and whether it repeats an ``id_evento`` stored before."""
        resultado: Resultado = asyncio.get_running_loop().create_future()
        self._cola.append((lote, resultado, contextvars.copy_context()))
        if len(self._activos) < self._escritores:
            self._activos.add(asyncio.create_task(self._escribir()))
        return await resultado

    async def _escribir(self) -> None:
        """Write batches until nothing waits. In a task of its own, so that a cancelled request
        never leaves the others of its batch without an answer; it leaves ``_activos`` in the
        same step in which it sees the queue empty, so a request never waits with no writer."""
        try:
            while self._cola:
                tanda = self._tomar()
                await asyncio.create_task(self._escribir_tanda(tanda), context=tanda[0][2])
        finally:
            self._activos.discard(asyncio.current_task())

    async def _escribir_tanda(self, tanda: list[Pedido]) -> None:
        try:
            resultados: list[list[handlers.Registro] | EventoRechazado | Exception] = list(
                await handlers.registrar_lotes([lote for lote, _, _ in tanda], self._abrir)
            )
        except Exception as error:
            logger.exception("writing a batch of %d requests failed", len(tanda))
            resultados = [error] * len(tanda)
        for (_, resultado, _), salida in zip(tanda, resultados, strict=True):
            if resultado.done():  # its request was cancelled
                continue
            if isinstance(salida, Exception):
                resultado.set_exception(salida)
            else:
                resultado.set_result(salida)

    def _tomar(self) -> list[Pedido]:
        """The oldest waiting requests, at least one, up to ``max_eventos`` events."""
        tanda = [self._cola.popleft()]
        eventos = len(tanda[0][0])
        while self._cola and eventos + len(self._cola[0][0]) <= self._max_eventos:
            eventos += len(self._cola[0][0])
            tanda.append(self._cola.popleft())
        return tanda
