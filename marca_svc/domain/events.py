"""Domain events of marca. Adapters translate the saga ones into ``contracts.marca``.

Only business fields: the envelope (event id, time, saga and correlation ids) is the adapter's.
``PresupuestoReservado``, ``ReservaPresupuestoRechazada`` and ``PresupuestoLiberado`` are the saga's
integration events; ``MarcaRegistrada``, ``MarcaDesactivada`` and ``PresupuestoConsumido`` have no
contract and may stay internal.
"""

import dataclasses
from decimal import Decimal

from alpes.seedwork import EventoDePaso, PasoLiberado, PasoRechazado


@dataclasses.dataclass(frozen=True, kw_only=True)
class EventoDominio:
    """Base of the domain events of marca."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class MarcaRegistrada(EventoDominio):
    id_marca: str
    nombre: str
    presupuesto_total: Decimal


@dataclasses.dataclass(frozen=True, kw_only=True)
class MarcaDesactivada(EventoDominio):
    id_marca: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class PresupuestoReservado(EventoDominio, EventoDePaso):
    id_marca: str
    monto: Decimal


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReservaPresupuestoRechazada(EventoDominio, PasoRechazado):
    """Nothing was reserved."""

    id_marca: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class PresupuestoLiberado(EventoDominio, PasoLiberado):
    """Also published with ``monto`` 0 when nothing was reserved (the saga counts it).

    ``id_marca`` is None when the cancellation arrived before ``CampanaCreada``: marca never
    learned the brand of that campaign.
    """

    id_marca: str | None
    monto: Decimal


@dataclasses.dataclass(frozen=True, kw_only=True)
class PresupuestoConsumido(EventoDominio, EventoDePaso):
    """The campaign finished: its reservation stays spent (no release)."""

    id_marca: str
    monto: Decimal


EventoMarca = MarcaRegistrada | MarcaDesactivada
EventoReserva = (
    PresupuestoReservado | ReservaPresupuestoRechazada | PresupuestoLiberado | PresupuestoConsumido
)
