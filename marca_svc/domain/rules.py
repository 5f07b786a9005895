"""Business rules of marca, each a class named by what must hold."""

import dataclasses
from decimal import Decimal

from alpes.seedwork import BusinessRule
from marca_svc.domain.errors import (
    ErrorDominio,
    MarcaInactiva,
    MontoInvalido,
    PresupuestoInsuficiente,
)


@dataclasses.dataclass(frozen=True)
class MarcaActiva(BusinessRule):
    id_marca: str
    activa: bool

    def violation(self) -> ErrorDominio | None:
        return None if self.activa else MarcaInactiva(self.id_marca)


@dataclasses.dataclass(frozen=True)
class PresupuestoSuficiente(BusinessRule):
    id_marca: str
    monto: Decimal
    disponible: Decimal

    def violation(self) -> ErrorDominio | None:
        if self.monto <= self.disponible:
            return None
        return PresupuestoInsuficiente(self.id_marca, self.monto, self.disponible)


@dataclasses.dataclass(frozen=True)
class MontoPositivo(BusinessRule):
    monto: Decimal

    def violation(self) -> ErrorDominio | None:
        if self.monto > 0:
            return None
        return MontoInvalido(f"el monto debe ser positivo: {self.monto}")
