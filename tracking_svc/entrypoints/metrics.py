"""tracking's own metrics (``alpes.metrics``): the tracking events it stored, by type.

``alpes_tracking_events_total{tipo_evento=...}`` counts the events ingestion stored (a repeat
of an ``id_evento`` is not counted again); :class:`IngestaMedida` is the ingestion batcher
that counts them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tracking_svc.application import handlers
from tracking_svc.application.batcher import EventoBatcher

if TYPE_CHECKING:
    from prometheus_client import Counter

    from alpes.metrics import ServiceMetrics


def eventos_por_tipo(metrics: ServiceMetrics) -> Counter:
    return metrics.counter(
        "alpes_tracking_events_total",
        "Tracking events stored, by type (repeats of an id_evento count once)",
        ("tipo_evento",),
    )


class IngestaMedida(EventoBatcher):
    """The ingestion batcher, counting what it stored by type."""

    def __init__(self, abrir: Any, contador: Counter, **kwargs: Any) -> None:
        super().__init__(abrir, **kwargs)
        self._contador = contador
        self._por_tipo: dict[str, Any] = {}

    async def registrar(self, lote: handlers.Lote) -> list[handlers.Registro]:
        registros = await super().registrar(lote)
        for registro in registros:
            if not registro.repetido:
                tipo = registro.evento.tipo_evento
                hijo = self._por_tipo.get(tipo)
                if hijo is None:  # a child per type, looked up once (the hot path)
                    hijo = self._por_tipo[tipo] = self._contador.labels(tipo)
                hijo.inc()
        return registros
