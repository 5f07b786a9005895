"""Typed errors of the marca domain; HTTP maps them to 4xx."""

from decimal import Decimal


class ErrorDominio(Exception):
    """Base of every business error of marca."""


class DatosMarcaInvalidos(ErrorDominio):
    """A brand's identity or name is not acceptable."""


class MontoInvalido(ErrorDominio):
    """An amount is not a finite number, is negative, or is zero where it must be positive."""


class MarcaInactiva(ErrorDominio):
    """The brand was deactivated: it reserves nothing."""

    def __init__(self, id_marca: str) -> None:
        super().__init__(f"marca inactiva: {id_marca}")
        self.id_marca = id_marca


class PresupuestoInsuficiente(ErrorDominio):
    """The brand's available budget does not cover the amount."""

    def __init__(self, id_marca: str, monto: Decimal, disponible: Decimal) -> None:
        super().__init__(
            f"presupuesto insuficiente en la marca {id_marca}: "
            f"pide {monto}, disponible {disponible}"
        )
        self.id_marca = id_marca
        self.monto = monto
        self.disponible = disponible


class ReservaInconsistente(ErrorDominio):
    """A release does not match what the brand holds reserved (a bug or corrupted data)."""


class MarcaNoCorresponde(ErrorDominio):
    """A reservation was handed a brand that is not its own (a caller's mistake)."""


class PresupuestoMenorQueReservado(ErrorDominio):
    """The new total would not cover what the brand holds reserved."""

    def __init__(self, id_marca: str, total: object, reservado: object) -> None:
        super().__init__(
            f"El presupuesto total de la marca {id_marca} no puede ser {total}: "
            f"tiene reservado {reservado}."
        )
        self.id_marca = id_marca
