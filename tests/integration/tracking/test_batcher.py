"""The group commit of ingestion, against a stand-in for the write (no database needed)."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Sequence
from typing import Any

import pytest

from tracking_svc.application import handlers
from tracking_svc.application.batcher import EventoBatcher
from tracking_svc.application.commands import RegistrarEvento
from tracking_svc.application.errors import EventoRechazado
from tracking_svc.domain import TipoEventoDesconocido


class Escritura:
    """Records every batch; refuses lotes whose first event has tipo "malo"; may fail."""

    def __init__(self, demora: float = 0.0) -> None:
        self.demora = demora
        self.tandas: list[int] = []
        self.fallar = False

    async def __call__(self, lotes: Sequence[Sequence[RegistrarEvento]], abrir: Any) -> list[Any]:
        self.tandas.append(len(lotes))
        await asyncio.sleep(self.demora)
        if self.fallar:
            raise RuntimeError("la base de datos no responde")
        return [
            EventoRechazado(0, TipoEventoDesconocido("malo"))
            if lote[0].tipo_evento == "malo"
            else [cmd.id_campana for cmd in lote]
            for lote in lotes
        ]


def sin_base() -> Any:
    """The storage opener; the stand-in write never opens it."""
    raise AssertionError("the stand-in write opens no storage")


def lote(nombre: str, tipo: str = "vista", n: int = 1) -> list[RegistrarEvento]:
    return [RegistrarEvento(id_campana=nombre, tipo_evento=tipo) for _ in range(n)]


@pytest.fixture
def escritura(monkeypatch: pytest.MonkeyPatch) -> Escritura:
    falsa = Escritura(demora=0.01)
    monkeypatch.setattr(handlers, "registrar_lotes", falsa)
    return falsa


async def test_concurrent_requests_share_batches_and_each_gets_its_own_answer(
    escritura: Escritura,
) -> None:
    ingesta = EventoBatcher(sin_base)

    respuestas: list[Any] = await asyncio.gather(
        *(ingesta.registrar(lote(f"c{n}", "malo" if n % 10 == 0 else "vista")) for n in range(100)),
        return_exceptions=True,
    )

    for n, respuesta in enumerate(respuestas):
        if n % 10 == 0:
            assert isinstance(respuesta, EventoRechazado)
        else:
            assert respuesta == [f"c{n}"]
    assert sum(escritura.tandas) == 100
    assert len(escritura.tandas) <= 10  # two writers, the rest waits for the next batch


async def test_a_batch_never_exceeds_max_eventos_but_takes_at_least_one_request(
    escritura: Escritura,
) -> None:
    ingesta = EventoBatcher(sin_base, max_eventos=10, escritores=1)

    await asyncio.gather(*(ingesta.registrar(lote(f"c{n}", n=4)) for n in range(9)))
    await ingesta.registrar(lote("grande", n=25))

    # 8 events per batch (a third request would make 12), then the big one alone
    assert escritura.tandas == [2, 2, 2, 2, 1, 1]


async def test_bursts_with_pauses_never_leave_a_request_without_a_writer(
    escritura: Escritura,
) -> None:
    escritura.demora = 0
    ingesta = EventoBatcher(sin_base)

    for ronda in range(200):
        async with asyncio.timeout(5):
            await asyncio.gather(*(ingesta.registrar(lote(f"{ronda}-{n}")) for n in range(3)))

    assert sum(escritura.tandas) == 600


async def test_a_failed_write_fails_its_batch_only_and_a_cancelled_request_blocks_nobody(
    escritura: Escritura,
) -> None:
    ingesta = EventoBatcher(sin_base, escritores=1)
    escritura.fallar = True
    primera = asyncio.ensure_future(ingesta.registrar(lote("a")))
    await asyncio.sleep(0)  # the writer takes the first request alone
    cancelada = asyncio.ensure_future(ingesta.registrar(lote("b")))
    siguiente: asyncio.Future[Any] = asyncio.ensure_future(ingesta.registrar(lote("c")))
    await asyncio.sleep(0)
    cancelada.cancel()

    with pytest.raises(RuntimeError, match="no responde"):
        await primera
    escritura.fallar = False  # the database is back for the next batch

    assert await siguiente == ["c"]
    assert cancelada.cancelled()


PETICION: contextvars.ContextVar[str] = contextvars.ContextVar("peticion", default="ninguna")
"""Stands for what a request's context carries: its span (traces), its correlation id (logs)."""


async def test_a_batch_is_written_in_the_context_of_the_first_request_it_carries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    vistos: list[tuple[str, int]] = []

    async def escritura(lotes: Sequence[Sequence[RegistrarEvento]], abrir: Any) -> list[Any]:
        vistos.append((PETICION.get(), len(lotes)))
        await asyncio.sleep(0)  # a write yields: the requests already scheduled queue meanwhile
        return [[cmd.id_campana for cmd in lote] for lote in lotes]

    monkeypatch.setattr(handlers, "registrar_lotes", escritura)
    ingesta = EventoBatcher(sin_base, escritores=1)

    async def peticion(nombre: str) -> Any:
        PETICION.set(nombre)  # in this request's task only
        return await ingesta.registrar(lote(nombre))

    # a starts the only writer; b and c wait meanwhile and are written together, after a has
    # its answer: in b's context, not in a's (which started the writer) nor in none
    primera = asyncio.create_task(peticion("a"))
    await asyncio.sleep(0)  # a runs: it queues and starts the writer
    resto = [asyncio.create_task(peticion(n)) for n in ("b", "c")]
    assert await asyncio.gather(primera, *resto) == [["a"], ["b"], ["c"]]
    assert vistos == [("a", 1), ("b", 2)]
