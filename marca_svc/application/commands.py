"""What marca is asked to do, by users (HTTP) and by the saga (events). Plain data."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Causa:
    """The saga and correlation ids of the event being handled; what marca publishes in reply
    carries the same ones."""

    id_saga: str
    id_correlacion: str


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
class ReservarPresupuesto:
    id_campana: str
    id_marca: str
    nombre_marca: str
    monto: Decimal | float
    credito_inicial: Decimal
    """The total a brand first seen here is registered with."""
    causa: Causa


@dataclass(frozen=True)
class LiberarPresupuesto:
    id_campana: str
    motivo: str
    causa: Causa


@dataclass(frozen=True)
class ConsumirPresupuesto:
    id_campana: str
    causa: Causa


@dataclass(frozen=True)
class RechazarPorFalloTecnico:
    id_campana: str
    id_marca: str
    motivo: str
    causa: Causa
