"""Events published by influencer on ``alpes.influencer.eventos``."""

import dataclasses
from typing import ClassVar

from dataclasses_avroschema import AvroModel

from contracts.base import Context, IntegrationEvent

NAMESPACE = "alpes.influencer.v1"


class _Meta:
    namespace = NAMESPACE


@dataclasses.dataclass(frozen=True, kw_only=True)
class _InfluencerEvent(IntegrationEvent):
    """Base of the events of influencer (not a record of its own)."""

    context: ClassVar[Context] = "influencer"
    Meta = _Meta


@dataclasses.dataclass(frozen=True, kw_only=True)
class AsignacionInfluencer(AvroModel):
    """Un influencer asignado a la campana, con su id en el servicio influencer."""

    id_influencer: str
    nombre: str
    plataforma: str

    Meta = _Meta


@dataclasses.dataclass(frozen=True, kw_only=True)
class InfluencersAsignados(_InfluencerEvent):
    """Todos los influencers pedidos quedaron asignados (todo o nada)."""

    asignaciones: list[AsignacionInfluencer]


@dataclasses.dataclass(frozen=True, kw_only=True)
class AsignacionInfluencersRechazada(_InfluencerEvent):
    """No se pudo asignar a todos los influencers; no se asigno ninguno."""

    motivo: str
    tecnico: bool = dataclasses.field(
        metadata={"doc": "true: fallo tecnico tras agotar reintentos; false: regla de negocio."}
    )


@dataclasses.dataclass(frozen=True, kw_only=True)
class InfluencersLiberados(_InfluencerEvent):
    """Las asignaciones de la campana se liberaron (compensacion o fin de campana)."""

    ids_influencer: list[str]
    motivo: str
