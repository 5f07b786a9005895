"""What the campaign saga's participants (marca, influencer, tracking) share: the events each one
reacts to, by the context that publishes them, and the envelope of the events they publish in
reply (docs/saga.md)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, TypedDict

import contracts as c

from .commands import RechazarPorFalloTecnico
from .messaging import Handler, Reaction, Recovery

if TYPE_CHECKING:
    from .db import Cause

Reactions = dict[c.Context, dict[type[c.IntegrationEvent], Reaction | Handler]]
"""A service's reactions by publishing context (``alpes.service.ServiceDescription.reactions``)."""

FAILURES: dict[c.Context, type[c.IntegrationEvent]] = {
    "marca": c.ReservaPresupuestoRechazada,
    "influencer": c.AsignacionInfluencersRechazada,
    "tracking": c.HabilitacionTrackingRechazada,
}
"""Each participant's failure: the others compensate it as they would a cancellation."""

Cancellation = (
    c.CampanaCancelada
    | c.ReservaPresupuestoRechazada
    | c.AsignacionInfluencersRechazada
    | c.HabilitacionTrackingRechazada
)
"""What runs a participant's ``cancelled`` reaction: the campaign's cancellation, or another
participant's failure (one of :data:`FAILURES`); each names its campaign and says why."""


def participant_reactions(
    participant: c.Context,
    *,
    created: Handler,
    exhausted: Recovery,
    cancelled: Handler,
    finished: Handler,
) -> Reactions:
    """``participant``'s reactions: ``CampanaCreada`` runs ``created``, and ``exhausted`` when
    its retries are spent (it publishes the technical failure, so the saga never waits);
    ``CampanaCancelada`` and every other participant's failure run ``cancelled`` (compensate,
    or leave a tombstone); ``CampanaFinalizada`` runs ``finished``."""
    reactions: Reactions = {
        "afiliaciones": {
            c.CampanaCreada: Reaction(created, on_exhausted=exhausted),
            c.CampanaCancelada: cancelled,
            c.CampanaFinalizada: finished,
        }
    }
    for other, failure in FAILURES.items():
        if other != participant:
            reactions[other] = {failure: cancelled}
    return reactions


class Envelope(TypedDict):
    """What every integration event carries besides its own fields."""

    id_evento: str
    ocurrido_en: datetime.datetime
    id_campana: str
    id_saga: str
    id_correlacion: str


def reply_envelope(id_campana: str, cause: Cause | None) -> Envelope:
    """The envelope of a participant's event about ``id_campana``, in reply to ``cause`` (the
    saga's event being handled): a new ``id_evento`` (the consumers' inbox key), the current
    time, and the saga and correlation ids of ``cause``, so the saga and the request that
    started it can be followed across services."""
    if cause is None:
        raise ValueError(f"a saga event of campaign {id_campana} needs the event it answers")
    return {
        "id_evento": c.new_event_id(),
        "ocurrido_en": c.utc_now(),
        "id_campana": id_campana,
        "id_saga": cause.id_saga,
        "id_correlacion": cause.id_correlacion,
    }


def technical_rejection(
    motivo: str,
) -> Callable[[c.CampanaCreada, BaseException], RechazarPorFalloTecnico]:
    """The translation of a ``CampanaCreada`` whose step failed on every attempt into its
    technical rejection; ``motivo`` says which step, with ``{error}`` for the error's class
    (its name, never its message, which may carry data)."""

    def translate(evento: c.CampanaCreada, error: BaseException) -> RechazarPorFalloTecnico:
        return RechazarPorFalloTecnico(
            id_campana=evento.id_campana,
            id_marca=evento.marca.id_marca,
            motivo=motivo.format(error=type(error).__name__),
        )

    return translate
