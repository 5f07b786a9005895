"""The anti-corruption layer: contracts in, domain out, and domain events back to contracts.

An outgoing event gets a new ``id_evento`` and ``ocurrido_en``, and the saga's ``id_saga`` and
``id_correlacion`` of the event that caused it.
"""

from __future__ import annotations

import datetime
from typing import TypedDict

import contracts as c
from influencer_svc import domain


class _Sobre(TypedDict):
    id_evento: str
    ocurrido_en: datetime.datetime
    id_campana: str
    id_saga: str
    id_correlacion: str


def solicitados(event: c.CampanaCreada) -> list[domain.InfluencerSolicitado]:
    return [
        domain.InfluencerSolicitado(
            id_influencer=i.id_influencer,
            nombre=i.nombre,
            plataforma=i.plataforma,
            seguidores=i.seguidores,
            categoria=i.categoria,
        )
        for i in event.influencers
    ]


def a_contrato(evento: domain.EventoAsignacion, causa: c.IntegrationEvent) -> c.IntegrationEvent:
    """The integration event of a domain event, in the saga of ``causa``."""
    sobre: _Sobre = {
        "id_evento": c.new_event_id(),
        "ocurrido_en": c.utc_now(),
        "id_campana": evento.id_campana,
        "id_saga": causa.id_saga,
        "id_correlacion": causa.id_correlacion,
    }
    if isinstance(evento, domain.InfluencersAsignados):
        return c.InfluencersAsignados(
            **sobre,
            asignaciones=[
                c.AsignacionInfluencer(
                    id_influencer=a.id_influencer, nombre=a.nombre, plataforma=a.plataforma
                )
                for a in evento.asignaciones
            ],
        )
    if isinstance(evento, domain.AsignacionInfluencersRechazada):
        return c.AsignacionInfluencersRechazada(
            **sobre, motivo=evento.motivo, tecnico=evento.tecnico
        )
    return c.InfluencersLiberados(
        **sobre, ids_influencer=list(evento.ids_influencer), motivo=evento.motivo
    )
