"""The anti-corruption layer between marca's domain and the integration contracts.

Outgoing: a saga domain event becomes its ``contracts.marca`` event with a new ``id_evento`` (the
consumers' inbox key), the current time, the saga and correlation ids of the event that caused it,
amounts as floats and an unknown brand (a tombstone's release) as ``""``. Internal domain events
(``MarcaRegistrada``, ``MarcaDesactivada``, ``PresupuestoConsumido``) have no contract: None.
Incoming: the saga's events become marca's commands.
"""

from __future__ import annotations

from decimal import Decimal
from functools import singledispatch

import contracts as c
from alpes.db import Cause
from alpes.saga import reply_envelope, technical_rejection
from marca_svc.application.commands import (
    ConsumirPresupuesto,
    LiberarPresupuesto,
    ReservarPresupuesto,
)
from marca_svc.domain import events as d

# --- domain -> contracts ---


def a_contrato(evento: d.EventoDominio, causa: Cause | None) -> c.IntegrationEvent | None:
    """The integration event that tells the other services about ``evento``, if any, in reply
    to ``causa`` (the event being handled)."""
    return _contrato(evento, causa)


@singledispatch
def _contrato(evento: d.EventoDominio, causa: Cause | None) -> c.IntegrationEvent | None:
    return None  # internal to marca


@_contrato.register
def _(evento: d.PresupuestoReservado, causa: Cause | None) -> c.IntegrationEvent | None:
    return c.PresupuestoReservado(
        **reply_envelope(evento.id_campana, causa),
        id_marca=evento.id_marca,
        monto=float(evento.monto),
    )


@_contrato.register
def _(evento: d.ReservaPresupuestoRechazada, causa: Cause | None) -> c.IntegrationEvent | None:
    return c.ReservaPresupuestoRechazada(
        **reply_envelope(evento.id_campana, causa),
        id_marca=evento.id_marca,
        motivo=evento.motivo,
        tecnico=evento.tecnico,
    )


@_contrato.register
def _(evento: d.PresupuestoLiberado, causa: Cause | None) -> c.IntegrationEvent | None:
    return c.PresupuestoLiberado(
        **reply_envelope(evento.id_campana, causa),
        id_marca=evento.id_marca or "",
        monto=float(evento.monto),
        motivo=evento.motivo,
    )


# --- contracts -> commands ---


def reservar(evento: c.CampanaCreada, credito_inicial: Decimal) -> ReservarPresupuesto:
    return ReservarPresupuesto(
        id_campana=evento.id_campana,
        id_marca=evento.marca.id_marca,
        nombre_marca=evento.marca.nombre_marca,
        monto=evento.presupuesto,
        credito_inicial=credito_inicial,
    )


def liberar(
    evento: c.CampanaCancelada | c.AsignacionInfluencersRechazada | c.HabilitacionTrackingRechazada,
) -> LiberarPresupuesto:
    """Why the budget goes back: the cancellation's reason, or which participant failed."""
    if isinstance(evento, c.AsignacionInfluencersRechazada):
        motivo = f"influencer rechazo la asignacion: {evento.motivo}"
    elif isinstance(evento, c.HabilitacionTrackingRechazada):
        motivo = f"tracking rechazo la habilitacion: {evento.motivo}"
    else:
        motivo = f"campana cancelada ({evento.origen}): {evento.motivo}"
    return LiberarPresupuesto(id_campana=evento.id_campana, motivo=motivo)


def consumir(evento: c.CampanaFinalizada) -> ConsumirPresupuesto:
    return ConsumirPresupuesto(id_campana=evento.id_campana)


rechazar_por_fallo_tecnico = technical_rejection(
    "fallo tecnico al reservar el presupuesto ({error})"
)
"""Its step failed on every attempt; the reason names the error, not its message."""
