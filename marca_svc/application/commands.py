"""What marca is asked to do, by users (HTTP) and by the saga (events). Plain data.

What marca publishes in reply to a saga's event carries that event's saga and correlation
ids: the unit of work knows its cause, the commands need not."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from alpes.commands import CampanaCommand, CampanaMotivoCommand

# --- from users ---


@dataclass(frozen=True)
class RegistrarMarca:
    nombre: str
    presupuesto_total: Decimal
    id_marca: str | None = None
    """None: marca generates one (a UUID)."""


@dataclass(frozen=True)
class ActualizarMarca:
    id_marca: str
    desactivar: bool = False
    presupuesto_total: Decimal | None = None


# --- from the saga ---


@dataclass(frozen=True)
class ReservarPresupuesto(CampanaCommand):
    id_marca: str
    nombre_marca: str
    monto: Decimal | float
    credito_inicial: Decimal
    """The total a brand first seen here is registered with."""


class LiberarPresupuesto(CampanaMotivoCommand):
    """A cancellation, or another participant's failure: the budget goes back."""


class ConsumirPresupuesto(CampanaCommand):
    """The campaign finished: its reservation stays spent."""
