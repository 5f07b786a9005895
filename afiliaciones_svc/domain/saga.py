"""The campaign saga as afiliaciones sees it: who answered what, and what that means.

Three participants (marca, influencer, tracking) each answer a new campaign with a success or a
failure, and a cancellation with a compensation (their release event, possibly empty) unless
they themselves failed. ``ProgresoSaga`` records those answers; everything else is derived:

- confirm when every participant succeeded (``todos_cumplieron``);
- the saga is ``compensada`` when the campaign is cancelled and every participant either failed
  or compensated (``todos_respondieron_a_la_cancelacion``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from afiliaciones_svc.domain.values import EstadoCampana

AFILIACIONES = "afiliaciones"
"""``EntradaSaga.origen`` of the entries afiliaciones writes about its own events."""


class Participante(StrEnum):
    MARCA = "marca"
    INFLUENCER = "influencer"
    TRACKING = "tracking"


class OrigenCancelacion(StrEnum):
    """Who cancelled a campaign: a failing participant, the user, or the saga deadline."""

    MARCA = "marca"
    INFLUENCER = "influencer"
    TRACKING = "tracking"
    USUARIO = "usuario"
    PLAZO = "plazo"


class EstadoSaga(StrEnum):
    EN_PROGRESO = "en_progreso"
    COMPLETADA = "completada"
    COMPENSANDO = "compensando"
    COMPENSADA = "compensada"


class Resultado(StrEnum):
    EXITO = "exito"
    FALLO = "fallo"
    COMPENSACION = "compensacion"


EVENTOS_DE_PARTICIPANTE: dict[tuple[Participante, Resultado], str] = {
    (Participante.MARCA, Resultado.EXITO): "PresupuestoReservado",
    (Participante.MARCA, Resultado.FALLO): "ReservaPresupuestoRechazada",
    (Participante.MARCA, Resultado.COMPENSACION): "PresupuestoLiberado",
    (Participante.INFLUENCER, Resultado.EXITO): "InfluencersAsignados",
    (Participante.INFLUENCER, Resultado.FALLO): "AsignacionInfluencersRechazada",
    (Participante.INFLUENCER, Resultado.COMPENSACION): "InfluencersLiberados",
    (Participante.TRACKING, Resultado.EXITO): "TrackingHabilitado",
    (Participante.TRACKING, Resultado.FALLO): "HabilitacionTrackingRechazada",
    (Participante.TRACKING, Resultado.COMPENSACION): "TrackingDeshabilitado",
}
"""The name of the event each participant publishes for each outcome (for the timeline)."""

SAGA_COMPENSADA = "SagaCompensada"
"""Timeline entry written once, when the last answer to a cancellation arrives."""

CANCELACION_REENVIADA = "CancelacionReenviada"
"""Timeline entry of each time the sweeper sent a cancellation again to those still silent."""


@dataclass(frozen=True)
class EntradaSaga:
    """One line of the saga's timeline: an event afiliaciones saw or published."""

    evento: str
    origen: str
    ocurrido_en: datetime
    motivo: str | None = None


@dataclass(frozen=True)
class ProgresoSaga:
    """The answers recorded so far. Immutable: each answer gives a new value."""

    exitos: frozenset[Participante] = field(default_factory=frozenset)
    fallos: frozenset[Participante] = field(default_factory=frozenset)
    compensaciones: frozenset[Participante] = field(default_factory=frozenset)

    def ya_registrado(self, participante: Participante, resultado: Resultado) -> bool:
        return participante in self._de(resultado)

    def con(self, participante: Participante, resultado: Resultado) -> ProgresoSaga:
        registrados = self._de(resultado) | {participante}
        if resultado is Resultado.EXITO:
            return replace(self, exitos=registrados)
        if resultado is Resultado.FALLO:
            return replace(self, fallos=registrados)
        return replace(self, compensaciones=registrados)

    def todos_cumplieron(self) -> bool:
        return self.exitos >= set(Participante)

    def todos_respondieron_a_la_cancelacion(self) -> bool:
        return (self.fallos | self.compensaciones) >= set(Participante)

    def sin_compensar(self) -> list[Participante]:
        """Participants that have answered neither a failure nor a compensation."""
        return [p for p in Participante if p not in self.fallos | self.compensaciones]

    def sin_respuesta(self) -> list[Participante]:
        """Participants that have answered nothing at all, in a stable order."""
        respondieron = self.exitos | self.fallos | self.compensaciones
        return [p for p in Participante if p not in respondieron]

    def _de(self, resultado: Resultado) -> frozenset[Participante]:
        if resultado is Resultado.EXITO:
            return self.exitos
        if resultado is Resultado.FALLO:
            return self.fallos
        return self.compensaciones


def estado_saga(estado: EstadoCampana, progreso: ProgresoSaga) -> EstadoSaga:
    """The saga's state, derived from the campaign's state and the answers recorded."""
    if estado is EstadoCampana.CREADA:
        return EstadoSaga.EN_PROGRESO
    if estado is not EstadoCampana.CANCELADA:
        return EstadoSaga.COMPLETADA
    if progreso.todos_respondieron_a_la_cancelacion():
        return EstadoSaga.COMPENSADA
    return EstadoSaga.COMPENSANDO
