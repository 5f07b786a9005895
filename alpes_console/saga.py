"""A saga's timeline, laid out for its picture: which lane (service) each line belongs to and
what kind of step it is (a success, a failure, a compensation...).

The event names are the platform's contracts (``contracts``) and afiliaciones' own timeline
entries (``SagaCompensada``, ``CancelacionReenviada``); the console reads them over HTTP and
imports no service.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

LANES = ("afiliaciones", "marca", "influencer", "tracking")
"""One lane per service, in the order the picture draws them."""


class Kind(StrEnum):
    """What a timeline line means for the saga (its colour and mark in the picture)."""

    START = "inicio"
    SUCCESS = "exito"
    FAILURE = "fallo"
    COMPENSATION = "compensacion"
    CANCELLATION = "cancelacion"
    COMPENSATED = "compensada"
    LIFECYCLE = "ciclo"
    WARNING = "aviso"
    INFO = "info"


KINDS: dict[str, Kind] = {
    "CampanaCreada": Kind.START,
    "CampanaConfirmada": Kind.SUCCESS,
    "CampanaIniciada": Kind.LIFECYCLE,
    "CampanaFinalizada": Kind.LIFECYCLE,
    "CampanaCancelada": Kind.CANCELLATION,
    "SagaCompensada": Kind.COMPENSATED,
    "CancelacionReenviada": Kind.WARNING,
    "PresupuestoReservado": Kind.SUCCESS,
    "ReservaPresupuestoRechazada": Kind.FAILURE,
    "PresupuestoLiberado": Kind.COMPENSATION,
    "InfluencersAsignados": Kind.SUCCESS,
    "AsignacionInfluencersRechazada": Kind.FAILURE,
    "InfluencersLiberados": Kind.COMPENSATION,
    "TrackingHabilitado": Kind.SUCCESS,
    "HabilitacionTrackingRechazada": Kind.FAILURE,
    "TrackingDeshabilitado": Kind.COMPENSATION,
}
"""The kind of every timeline line afiliaciones writes; anything else is ``info``."""

AFILIACIONES_ENTRIES = {"CampanaCancelada", "SagaCompensada", "CancelacionReenviada"}
"""Lines afiliaciones writes whose ``origen`` names a cause (who cancelled), not a service."""


def kind_of(evento: str) -> Kind:
    return KINDS.get(evento, Kind.INFO)


def lane_of(evento: str, origen: str) -> str:
    """The service whose lane shows the line: the one that published the event. A
    cancellation is afiliaciones' event whoever caused it (its ``origen`` is the cause)."""
    if evento in AFILIACIONES_ENTRIES or origen not in LANES:
        return "afiliaciones"
    return origen


def _instant(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def annotate_line(line: dict[str, Any]) -> dict[str, Any]:
    """A timeline line with its lane (``carril``) and kind (``tipo``)."""
    evento = str(line.get("evento", ""))
    origen = str(line.get("origen", ""))
    return {**line, "carril": lane_of(evento, origen), "tipo": kind_of(evento).value}


def annotate_saga(saga: dict[str, Any]) -> dict[str, Any]:
    """afiliaciones' saga view (``GET /afiliaciones/campana/{id}/saga``), its timeline in time
    order with each line's lane, kind and milliseconds since the first line
    (``desde_inicio_ms``), plus the lanes in drawing order (``carriles``)."""
    lines = [annotate_line(line) for line in saga.get("linea_de_tiempo", [])]
    instants = [_instant(line.get("ocurrido_en")) for line in lines]
    known = [i for i in instants if i is not None]
    first = min(known) if known else None
    for line, instant in zip(lines, instants, strict=True):
        line["desde_inicio_ms"] = (
            round((instant - first).total_seconds() * 1000) if instant and first else None
        )
    order = sorted(
        range(len(lines)),
        key=lambda i: (lines[i]["desde_inicio_ms"] is None, lines[i]["desde_inicio_ms"] or 0, i),
    )
    return {**saga, "carriles": list(LANES), "linea_de_tiempo": [lines[i] for i in order]}
