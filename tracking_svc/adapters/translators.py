"""The anti-corruption layer between the tracking domain and the integration contracts.

Outgoing: a domain event becomes its ``contracts.tracking`` event with a new ``id_evento`` (the
consumers' inbox key); ``id_saga`` and ``id_correlacion`` are copied from the incoming event that
caused it, so the saga and the request that started it can be followed across services.
Incoming: ``CampanaCreada``'s influencers become the domain's ``InfluencerATrackear``.
"""

from __future__ import annotations

from functools import singledispatch
from typing import Any

import contracts as c
from tracking_svc.domain import (
    EventoTracking,
    HabilitacionTrackingRechazada,
    InfluencerATrackear,
    TrackingDeshabilitado,
    TrackingHabilitado,
)

# --- domain -> contracts ---


def a_contrato(evento: EventoTracking, causa: c.IntegrationEvent) -> c.IntegrationEvent:
    """The integration event that tells the other services about ``evento``."""
    envoltura = {
        "id_evento": c.new_event_id(),
        "ocurrido_en": c.utc_now(),
        "id_campana": evento.id_campana,
        "id_saga": causa.id_saga,
        "id_correlacion": causa.id_correlacion,
    }
    return _contrato(evento, **envoltura)


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


# --- contracts -> domain ---


def influencers_de(evento: c.CampanaCreada) -> list[InfluencerATrackear]:
    return [
        InfluencerATrackear(id_influencer=i.id_influencer, nombre=i.nombre, plataforma=i.plataforma)
        for i in evento.influencers
    ]
