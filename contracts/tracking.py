"""Events published by tracking on ``alpes.tracking.eventos``."""

import dataclasses
from typing import ClassVar

from dataclasses_avroschema import AvroModel

from contracts.base import Context, IntegrationEvent

NAMESPACE = "alpes.tracking.v1"


class _Meta:
    namespace = NAMESPACE


@dataclasses.dataclass(frozen=True, kw_only=True)
class _TrackingEvent(IntegrationEvent):
    """Base of the events of tracking (not a record of its own)."""

    context: ClassVar[Context] = "tracking"
    Meta = _Meta


@dataclasses.dataclass(frozen=True, kw_only=True)
class CodigoTracking(AvroModel):
    """Codigo de tracking unico de un influencer en la campana."""

    id_influencer: str | None = dataclasses.field(
        default=None,
        metadata={
            "doc": "Nulo si CampanaCreada no lo traia; el influencer es (nombre, plataforma)."
        },
    )
    nombre: str
    plataforma: str
    codigo: str

    Meta = _Meta


@dataclasses.dataclass(frozen=True, kw_only=True)
class TrackingHabilitado(_TrackingEvent):
    """La campana tiene su fila de metricas y un codigo por influencer."""

    codigos: list[CodigoTracking]


@dataclasses.dataclass(frozen=True, kw_only=True)
class HabilitacionTrackingRechazada(_TrackingEvent):
    """No se pudo habilitar el tracking de la campana."""

    motivo: str
    tecnico: bool = dataclasses.field(
        metadata={"doc": "true: fallo tecnico tras agotar reintentos; false: regla de negocio."}
    )


@dataclasses.dataclass(frozen=True, kw_only=True)
class TrackingDeshabilitado(_TrackingEvent):
    """Los codigos de la campana quedaron deshabilitados (compensacion o fin de campana)."""

    motivo: str
