"""The anti-corruption layer between the tracking domain and the integration contracts.

Outgoing: a domain event becomes its ``contracts.tracking`` event with a new ``id_evento`` (the
consumers' inbox key); ``id_saga`` and ``id_correlacion`` are copied from the incoming event that
caused it, so the saga and the request that started it can be followed across services.
Incoming: the saga's events become tracking's commands (``CampanaCreada``'s influencers the
domain's ``InfluencerATrackear``).
"""

from __future__ import annotations

from functools import singledispatch
from typing import Any

import contracts as c
from alpes.db import Cause
from alpes.saga import Cancellation, reply_envelope, technical_rejection
from tracking_svc.application.commands import (
    CerrarTracking,
    DeshabilitarTracking,
    HabilitarTracking,
)
from tracking_svc.domain import (
    EventoTracking,
    HabilitacionTrackingRechazada,
    InfluencerATrackear,
    TrackingDeshabilitado,
    TrackingHabilitado,
)

# --- domain -> contracts ---


def a_contrato(evento: EventoTracking, causa: Cause | None) -> c.IntegrationEvent:
    """The integration event that tells the other services about ``evento``, in reply to
    ``causa`` (the event being handled: every event of tracking answers one of the saga)."""
    return _contrato(evento, **reply_envelope(evento.id_campana, causa))


@singledispatch
def _contrato(evento: EventoTracking, **envoltura: Any) -> c.IntegrationEvent:
    raise TypeError(f"no integration event for {type(evento).__name__}")


@_contrato.register
def _(evento: TrackingHabilitado, **envoltura: Any) -> c.IntegrationEvent:
    return c.TrackingHabilitado(
        **envoltura,
        codigos=[
            c.CodigoTracking(
                id_influencer=codigo.id_influencer,
                nombre=codigo.nombre,
                plataforma=codigo.plataforma,
                codigo=codigo.codigo,
            )
            for codigo in evento.codigos
        ],
    )


@_contrato.register
def _(evento: HabilitacionTrackingRechazada, **envoltura: Any) -> c.IntegrationEvent:
    return c.HabilitacionTrackingRechazada(
        **envoltura, motivo=evento.motivo, tecnico=evento.tecnico
    )


@_contrato.register
def _(evento: TrackingDeshabilitado, **envoltura: Any) -> c.IntegrationEvent:
    return c.TrackingDeshabilitado(**envoltura, motivo=evento.motivo)


# --- contracts -> commands ---


def habilitar(evento: c.CampanaCreada) -> HabilitarTracking:
    return HabilitarTracking(
        id_campana=evento.id_campana,
        id_marca=evento.marca.id_marca,
        influencers=tuple(
            InfluencerATrackear(
                id_influencer=i.id_influencer, nombre=i.nombre, plataforma=i.plataforma
            )
            for i in evento.influencers
        ),
    )


def deshabilitar(evento: Cancellation) -> DeshabilitarTracking:
    """Another participant's failure compensates like a cancellation, with its reason."""
    return DeshabilitarTracking(id_campana=evento.id_campana, motivo=evento.motivo)


def cerrar(evento: c.CampanaFinalizada) -> CerrarTracking:
    return CerrarTracking(id_campana=evento.id_campana)


rechazar_por_fallo_tecnico = technical_rejection("fallo tecnico al habilitar el tracking: {error}")
"""Its step failed on every attempt; the reason names the error, not its message."""
