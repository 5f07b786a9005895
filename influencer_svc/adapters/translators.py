"""The anti-corruption layer: contracts in (as commands), domain events back out as contracts.

An outgoing event gets a new ``id_evento`` and ``ocurrido_en``, and the saga's ``id_saga`` and
``id_correlacion`` of the event that caused it (the unit of work's cause).
"""

from __future__ import annotations

import contracts as c
from alpes.db import Cause
from alpes.saga import Cancellation, reply_envelope
from influencer_svc import domain
from influencer_svc.application.commands import (
    AsignarInfluencers,
    FinalizarAsignacion,
    LiberarInfluencers,
    RechazarPorFalloTecnico,
)

# --- contracts -> commands ---


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


def asignar(event: c.CampanaCreada, max_campanas: int) -> AsignarInfluencers:
    return AsignarInfluencers(
        id_campana=event.id_campana, solicitados=solicitados(event), max_campanas=max_campanas
    )


def rechazar_por_fallo_tecnico(
    event: c.CampanaCreada, error: BaseException
) -> RechazarPorFalloTecnico:
    return RechazarPorFalloTecnico(
        id_campana=event.id_campana,
        motivo=f"fallo tecnico en influencer: {type(error).__name__}",
    )


def liberar(event: Cancellation) -> LiberarInfluencers:
    return LiberarInfluencers(id_campana=event.id_campana, motivo=event.motivo)


def finalizar(event: c.CampanaFinalizada) -> FinalizarAsignacion:
    return FinalizarAsignacion(id_campana=event.id_campana)


# --- domain -> contracts ---


def a_contrato(evento: domain.EventoDominio, causa: Cause | None) -> c.IntegrationEvent | None:
    """The integration event of a domain event, in the saga of ``causa``; None for the events
    internal to influencer (an influencer registered or deactivated)."""
    if not isinstance(
        evento,
        domain.InfluencersAsignados
        | domain.AsignacionInfluencersRechazada
        | domain.InfluencersLiberados,
    ):
        return None
    sobre = reply_envelope(evento.id_campana, causa)
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
