"""Events published by afiliaciones (campaigns) on ``alpes.afiliaciones.eventos``."""

import dataclasses
from typing import ClassVar

from dataclasses_avroschema import AvroModel, types

from contracts.base import Context, IntegrationEvent

NAMESPACE = "alpes.afiliaciones.v1"

TIPOS_CAMPANA: tuple[str, ...] = ("influencer", "afiliado", "mixta")
"""Values of ``CampanaCreada.tipo``; afiliaciones validates them before a saga starts."""

ORIGENES_CANCELACION: tuple[str, ...] = ("marca", "influencer", "tracking", "usuario", "plazo")
"""Values of ``CampanaCancelada.origen``."""


class _Meta:
    namespace = NAMESPACE


@dataclasses.dataclass(frozen=True, kw_only=True)
class _AfiliacionesEvent(IntegrationEvent):
    """Base of the events of afiliaciones (not a record of its own)."""

    context: ClassVar[Context] = "afiliaciones"
    Meta = _Meta


@dataclasses.dataclass(frozen=True, kw_only=True)
class MarcaCampana(AvroModel):
    """La marca que paga la campana."""

    id_marca: str
    nombre_marca: str

    Meta = _Meta


@dataclasses.dataclass(frozen=True, kw_only=True)
class InfluencerCampana(AvroModel):
    """Un influencer pedido para la campana; sin id cuando aun no lo conoce afiliaciones."""

    id_influencer: str | None = None
    nombre: str
    plataforma: str
    seguidores: int
    categoria: str

    Meta = _Meta


@dataclasses.dataclass(frozen=True, kw_only=True)
class CampanaCreada(_AfiliacionesEvent):
    """Fat event: la campana completa, tal como se creo; abre la saga.

    ``tipo`` and ``estado`` are strings, not Avro enums: afiliaciones validates ``tipo`` against
    TIPOS_CAMPANA before anything is published and no participant branches on it, while adding a
    symbol to an Avro enum breaks every older reader (forward compatibility) unless all of them
    already declare an enum default. A string keeps new values a non-event for the schema.
    """

    nombre: str
    descripcion: str
    tipo: str = dataclasses.field(metadata={"doc": "influencer | afiliado | mixta"})
    estado: str = dataclasses.field(metadata={"doc": "Estado de la campana al crearla: creada."})
    fecha_creacion: types.DateTimeMicro
    fecha_inicio: types.DateTimeMicro
    fecha_fin: types.DateTimeMicro
    presupuesto: float
    marca: MarcaCampana
    influencers: list[InfluencerCampana]
    plazo_saga: types.DateTimeMicro = dataclasses.field(
        metadata={"doc": "Si no llegan todos los resultados antes de este instante, se cancela."}
    )


@dataclasses.dataclass(frozen=True, kw_only=True)
class CampanaConfirmada(_AfiliacionesEvent):
    """Todos los participantes cumplieron su paso: la saga termino bien."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class CampanaCancelada(_AfiliacionesEvent):
    """La campana se cancela; los participantes que hicieron su paso lo compensan."""

    motivo: str
    origen: str = dataclasses.field(
        metadata={"doc": "Quien la cancelo: marca | influencer | tracking | usuario | plazo."}
    )


@dataclasses.dataclass(frozen=True, kw_only=True)
class CampanaIniciada(_AfiliacionesEvent):
    """La campana confirmada empezo."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class CampanaFinalizada(_AfiliacionesEvent):
    """La campana termino; los participantes liberan la capacidad que le tenian reservada."""

    id_marca: str
