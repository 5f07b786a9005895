"""Typed errors of the marca domain; HTTP maps them to 4xx."""

from dataclasses import dataclass
from decimal import Decimal

from alpes.seedwork import DomainError


class ErrorDominio(DomainError):
    """Base of every business error of marca."""


class DatosMarcaInvalidos(ErrorDominio):
    """A brand's identity or name is not acceptable."""


class MontoInvalido(ErrorDominio):
    """An amount is not a finite number, is negative, or is zero where it must be positive."""


@dataclass(eq=False)
class MarcaInactiva(ErrorDominio, template="marca inactiva: {id_marca}"):
    """The brand was deactivated: it reserves nothing."""

    id_marca: str


@dataclass(eq=False)
class PresupuestoInsuficiente(
    ErrorDominio,
    template=(
        "presupuesto insuficiente en la marca {id_marca}: pide {monto}, disponible {disponible}"
    ),
):
    """The brand's available budget does not cover the amount."""

    id_marca: str
    monto: Decimal
    disponible: Decimal


class ReservaInconsistente(ErrorDominio):
    """A release does not match what the brand holds reserved (a bug or corrupted data)."""


class MarcaNoCorresponde(ErrorDominio):
    """A reservation was handed a brand that is not its own (a caller's mistake)."""


@dataclass(eq=False)
class PresupuestoMenorQueReservado(
    ErrorDominio,
    template=(
        "El presupuesto total de la marca {id_marca} no puede ser {total}: "
        "tiene reservado {reservado}."
    ),
):
    """The new total would not cover what the brand holds reserved."""

    id_marca: str
    total: Decimal
    reservado: Decimal
