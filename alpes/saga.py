"""What the campaign saga's participants (marca, influencer, tracking) share: the events each one
reacts to, by the context that publishes them (docs/saga.md)."""

from __future__ import annotations

import contracts as c

from .messaging import Handler, Reaction, Recovery

Reactions = dict[c.Context, dict[type[c.IntegrationEvent], Reaction | Handler]]
"""A service's reactions by publishing context (``alpes.service.ServiceDescription.reactions``)."""

FAILURES: dict[c.Context, type[c.IntegrationEvent]] = {
    "marca": c.ReservaPresupuestoRechazada,
    "influencer": c.AsignacionInfluencersRechazada,
    "tracking": c.HabilitacionTrackingRechazada,
}
"""Each participant's failure: the others compensate it as they would a cancellation."""


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
