"""How marca reacts to the saga's events, one function per event.

Each takes the campaign's reservation as stored, or None when marca has never seen the campaign,
and returns the reservation to store. Pending events are in ``reserva.eventos``.
Other participants' failures (``AsignacionInfluencersRechazada``,
``HabilitacionTrackingRechazada``) are handled exactly like ``CampanaCancelada``.
"""

from decimal import Decimal

from marca_svc.domain.model import Marca, ReservaPresupuesto


def when_campana_creada_reservar(
    reserva: ReservaPresupuesto | None,
    id_campana: str,
    marca: Marca,
    monto: Decimal | int | float | str,
) -> ReservaPresupuesto:
    """Reserve once. A stored reservation (a duplicate, or a cancellation seen first) means
    there is nothing to do: the caller may skip loading the brand when it already has one."""
    if reserva is not None:
        return reserva
    return ReservaPresupuesto.reservar(id_campana, marca, monto)


def when_campana_cancelada_liberar(
    reserva: ReservaPresupuesto | None, id_campana: str, motivo: str, marca: Marca | None
) -> ReservaPresupuesto:
    """Release what was reserved, once; before ``CampanaCreada``, leave a tombstone.

    ``marca`` is needed only when ``reserva.retiene_presupuesto``. A rejected, released, spent or
    tombstoned reservation does nothing more.
    """
    if reserva is None:
        return ReservaPresupuesto.cancelada_antes(id_campana, motivo)
    reserva.liberar(motivo, marca)
    return reserva


def when_campana_finalizada_consumir(reserva: ReservaPresupuesto | None) -> None:
    """The campaign finished: the reserved budget is spent, nothing is released."""
    if reserva is not None:
        reserva.consumir()


def when_fallo_tecnico_rechazar(
    reserva: ReservaPresupuesto | None, id_campana: str, id_marca: str, motivo: str
) -> ReservaPresupuesto:
    """``CampanaCreada`` failed for a technical reason after its retries: publish the failure,
    unless the campaign was already handled (then its outcome stands)."""
    if reserva is not None:
        return reserva
    return ReservaPresupuesto.fallo_tecnico(id_campana, id_marca, motivo)
