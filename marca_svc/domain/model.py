"""The brand (``Marca``) and its per-campaign budget reservation (``ReservaPresupuesto``).

They are two aggregates. ``ReservaPresupuesto`` is keyed by ``id_campana`` and exists apart from the
brand because a cancellation may arrive before ``CampanaCreada``, when the brand is still unknown:
the reservation row is then a tombstone (``cancelada_antes``) without brand. Operations that move
money take the ``Marca`` as an argument. Adapter: lock the reservation row first, then the brand row
(``SELECT ... FOR UPDATE``), always in that order.

Money is ``Decimal`` (NUMERIC in the database); ``como_monto`` converts floats from messages.
Both are ``AggregateRoot``s (``version``, pending ``eventos``).
"""

import dataclasses
import enum
from decimal import Decimal, InvalidOperation

from alpes.seedwork import AggregateRoot, EstadosDePaso, PasoDeSaga, check_rule
from marca_svc.domain import events
from marca_svc.domain.errors import (
    DatosMarcaInvalidos,
    MarcaInactiva,
    MarcaNoCorresponde,
    MontoInvalido,
    PresupuestoInsuficiente,
    PresupuestoMenorQueReservado,
    ReservaInconsistente,
)
from marca_svc.domain.rules import MarcaActiva, MontoPositivo, PresupuestoSuficiente

LONGITUD_MAXIMA_NOMBRE = 200
CERO = Decimal(0)

RECHAZOS_DE_RESERVA = (MontoInvalido, MarcaInactiva, PresupuestoInsuficiente)
"""Errors that turn a reservation into ``ReservaPresupuestoRechazada`` instead of raising."""


def como_monto(valor: Decimal | int | float | str) -> Decimal:
    """A finite, non-negative amount as Decimal (floats through their shortest text form)."""
    if isinstance(valor, bool):
        raise MontoInvalido(f"monto invalido: {valor!r}")
    try:
        monto = valor if isinstance(valor, Decimal) else Decimal(str(valor))
    except InvalidOperation as error:
        raise MontoInvalido(f"monto invalido: {valor!r}") from error
    if not monto.is_finite() or monto < 0:
        raise MontoInvalido(f"monto invalido: {valor!r}")
    return monto


def _nombre_valido(nombre: str) -> str:
    limpio = nombre.strip()
    if not 1 <= len(limpio) <= LONGITUD_MAXIMA_NOMBRE:
        raise DatosMarcaInvalidos(f"el nombre debe tener 1 a {LONGITUD_MAXIMA_NOMBRE} caracteres")
    return limpio


def _id_valido(id_marca: str) -> str:
    if not id_marca.strip():
        raise DatosMarcaInvalidos("id_marca vacio")
    return id_marca


@dataclasses.dataclass(eq=False, kw_only=True)
class Marca(AggregateRoot[events.EventoMarca]):
    """A brand and its budget: ``0 <= presupuesto_reservado <= presupuesto_total``.

    ``presupuesto_reservado`` holds the open reservations and those of finished campaigns (spent).
    """

    id_marca: str
    nombre: str
    presupuesto_total: Decimal
    presupuesto_reservado: Decimal = CERO
    activa: bool = True

    @classmethod
    def registrar(
        cls, id_marca: str, nombre: str, presupuesto_total: Decimal | int | float | str
    ) -> "Marca":
        """A new active brand; ``presupuesto_total >= 0``."""
        marca = cls(
            id_marca=_id_valido(id_marca),
            nombre=_nombre_valido(nombre),
            presupuesto_total=como_monto(presupuesto_total),
        )
        evento = events.MarcaRegistrada(
            id_marca=marca.id_marca, nombre=marca.nombre, presupuesto_total=marca.presupuesto_total
        )
        marca.eventos.append(evento)
        return marca

    @classmethod
    def desde_campana(
        cls,
        existente: "Marca | None",
        id_marca: str,
        nombre_marca: str,
        credito_inicial: Decimal | int | float | str,
    ) -> "Marca":
        """The known brand, or a new one registered from ``CampanaCreada`` with the credit given.

        The event is authoritative: a blank name falls back to the id, a long one is cut.
        """
        if existente is not None:
            return existente
        nombre = nombre_marca.strip()[:LONGITUD_MAXIMA_NOMBRE] or id_marca
        return cls.registrar(id_marca, nombre, credito_inicial)

    @property
    def presupuesto_disponible(self) -> Decimal:
        return self.presupuesto_total - self.presupuesto_reservado

    def reservar(self, monto: Decimal) -> None:
        """Hold ``monto`` of the available budget.

        Raises MontoInvalido, MarcaInactiva or PresupuestoInsuficiente.
        """
        check_rule(MontoPositivo(monto))
        check_rule(MarcaActiva(self.id_marca, self.activa))
        check_rule(PresupuestoSuficiente(self.id_marca, monto, self.presupuesto_disponible))
        self.presupuesto_reservado += monto
        self.version += 1

    def liberar(self, monto: Decimal) -> None:
        """Give ``monto`` back to the available budget."""
        if not CERO <= monto <= self.presupuesto_reservado:
            raise ReservaInconsistente(
                f"la marca {self.id_marca} tiene reservado {self.presupuesto_reservado}, "
                f"no puede liberar {monto}"
            )
        self.presupuesto_reservado -= monto
        self.version += 1

    def ajustar_presupuesto_total(self, total: Decimal) -> None:
        """A new total budget; never below what the brand holds reserved."""
        total = como_monto(total)
        if total < self.presupuesto_reservado:
            raise PresupuestoMenorQueReservado(self.id_marca, total, self.presupuesto_reservado)
        if total != self.presupuesto_total:
            self.presupuesto_total = total
            self.version += 1

    def desactivar(self) -> None:
        """Stop reserving for new campaigns; open reservations stay. Idempotent."""
        if not self.activa:
            return
        self.activa = False
        self.version += 1
        self.eventos.append(events.MarcaDesactivada(id_marca=self.id_marca))


class EstadoReserva(enum.StrEnum):
    RESERVADA = "reservada"
    LIBERADA = "liberada"
    RECHAZADA = "rechazada"
    CANCELADA_ANTES = "cancelada_antes"
    CONSUMIDA = "consumida"


@dataclasses.dataclass(eq=False, kw_only=True)
class ReservaPresupuesto(PasoDeSaga[EstadoReserva, events.EventoReserva, Marca]):
    """What marca did for one campaign: while ``reservada``, it holds ``monto`` of the budget of
    the brand ``id_marca`` (None in a tombstone: marca never learned the campaign's brand). A
    release gives the money back to that brand; when the campaign finishes, it stays spent."""

    estados = EstadosDePaso(
        retiene=EstadoReserva.RESERVADA,
        liberado=EstadoReserva.LIBERADA,
        finalizado=EstadoReserva.CONSUMIDA,
    )

    id_marca: str | None = None
    monto: Decimal = CERO

    @classmethod
    def reservar(
        cls, id_campana: str, marca: Marca, monto: Decimal | int | float | str
    ) -> "ReservaPresupuesto":
        """Reserve the campaign's budget, or record the rejection with its reason."""
        try:
            cantidad = como_monto(monto)
            marca.reservar(cantidad)
        except RECHAZOS_DE_RESERVA as error:
            return cls.rechazada(id_campana, str(error), tecnico=False, id_marca=marca.id_marca)
        reserva = cls(
            id_campana=id_campana,
            id_marca=marca.id_marca,
            monto=cantidad,
            estado=EstadoReserva.RESERVADA,
        )
        reserva.eventos.append(
            events.PresupuestoReservado(
                id_campana=id_campana, id_marca=marca.id_marca, monto=cantidad
            )
        )
        return reserva

    @classmethod
    def fallo_tecnico(cls, id_campana: str, id_marca: str, motivo: str) -> "ReservaPresupuesto":
        """The reservation kept failing after its retries: a final, technical rejection."""
        return cls.rechazada(id_campana, motivo, tecnico=True, id_marca=id_marca)

    def _devolver(self, marca: Marca | None) -> None:
        if marca is None or marca.id_marca != self.id_marca:
            raise MarcaNoCorresponde(
                f"la reserva de {self.id_campana} es de la marca {self.id_marca}"
            )
        marca.liberar(self.monto)

    def _cerrar(self, marca: Marca | None) -> None:
        """The campaign finished: the budget stays spent, nothing goes back to the brand."""

    def _liberado(self, motivo: str) -> events.PresupuestoLiberado:
        return events.PresupuestoLiberado(
            id_campana=self.id_campana, id_marca=self.id_marca, monto=self.monto, motivo=motivo
        )

    def _finalizado(self) -> events.PresupuestoConsumido:
        return events.PresupuestoConsumido(
            id_campana=self.id_campana, id_marca=str(self.id_marca), monto=self.monto
        )

    def _rechazo(self, motivo: str, tecnico: bool) -> events.ReservaPresupuestoRechazada:
        return events.ReservaPresupuestoRechazada(
            id_campana=self.id_campana, id_marca=str(self.id_marca), motivo=motivo, tecnico=tecnico
        )
