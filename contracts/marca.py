"""Events published by marca (brands and budgets) on ``alpes.marca.eventos``."""

import dataclasses
from typing import ClassVar

from contracts.base import Context, IntegrationEvent

NAMESPACE = "alpes.marca.v1"


class _Meta:
    namespace = NAMESPACE


@dataclasses.dataclass(frozen=True, kw_only=True)
class _MarcaEvent(IntegrationEvent):
    """Base of the events of marca (not a record of its own)."""

    context: ClassVar[Context] = "marca"
    Meta = _Meta


@dataclasses.dataclass(frozen=True, kw_only=True)
class PresupuestoReservado(_MarcaEvent):
    """El presupuesto de la campana quedo reservado contra el disponible de la marca."""

    id_marca: str
    monto: float


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReservaPresupuestoRechazada(_MarcaEvent):
    """No se pudo reservar el presupuesto; la campana se cancela."""

    id_marca: str
    motivo: str
    tecnico: bool = dataclasses.field(
        metadata={"doc": "true: fallo tecnico tras agotar reintentos; false: regla de negocio."}
    )


@dataclasses.dataclass(frozen=True, kw_only=True)
class PresupuestoLiberado(_MarcaEvent):
    """La reserva se devolvio al disponible de la marca (compensacion o fin de campana)."""

    id_marca: str
    monto: float
    motivo: str
