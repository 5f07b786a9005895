"""Business rules of marca, each a class named by what must hold."""

import abc
import dataclasses
from decimal import Decimal

from marca_svc.domain.errors import (
    ErrorDominio,
    MarcaInactiva,
    MontoInvalido,
    PresupuestoInsuficiente,
)


class BusinessRule(abc.ABC):
    """A rule of the domain; ``violation()`` is the error that breaks it, or None."""

    @abc.abstractmethod
    def violation(self) -> ErrorDominio | None: ...


def check_rule(rule: BusinessRule) -> None:
    """Raise the rule's error when it is broken."""
    error = rule.violation()
    if error is not None:
        raise error


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
