"""The anti-corruption layer between the domain and the integration contracts.

Outgoing: a domain event becomes its ``contracts.afiliaciones`` event, with a new ``id_evento``
(the consumers' inbox key), ``presupuesto`` as a float and ``tipo``/``estado``/``origen`` as
strings; an ``InfluencerInfo`` has the fields of its record, ``InfluencerCampana``. Incoming:
a participant's outcome event becomes a ``RegistrarResultado`` command.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from functools import singledispatch
from typing import Any

import contracts as c
from afiliaciones_svc.application.commands import RegistrarResultado
from afiliaciones_svc.domain import events as d
from afiliaciones_svc.domain.saga import Participante, Resultado
from alpes.db import Cause

# --- domain -> contracts ---


def a_contrato(evento: d.EventoCampana, causa: Cause | None = None) -> c.IntegrationEvent:
    """The integration event that tells the other services about ``evento``.

    ``causa`` (the event being handled, if any) is not used: a campaign's events carry their
    own saga and correlation ids, which the campaign has kept since its creation."""
    return _contrato(evento, **_envoltura(evento))


def _envoltura(evento: d.EventoCampana) -> dict[str, Any]:
    return {
        "id_evento": _id_evento(evento),
        "ocurrido_en": evento.ocurrido_en,
        "id_campana": evento.id_campana,
        "id_saga": evento.id_saga,
        "id_correlacion": evento.id_correlacion,
    }


def _id_evento(evento: d.EventoCampana) -> str:
    """A new id; a campaign's one cancellation always gets the same id, so the sweeper's
    re-sending of it is the same message to every inbox (and the outbox keeps one row)."""
    if isinstance(evento, d.CampanaCancelada):
        return str(uuid.uuid5(_CANCELACIONES, evento.id_campana))
    return c.new_event_id()


_CANCELACIONES = uuid.UUID("6f1c1f0e-4c53-4f5e-9d0c-7a1e2b7a0c11")
"""The UUID5 namespace of cancellation event ids."""


@singledispatch
def _contrato(evento: d.EventoCampana, **envoltura: Any) -> c.IntegrationEvent:
    raise TypeError(f"no integration event for {type(evento).__name__}")


@_contrato.register
def _(evento: d.CampanaCreada, **envoltura: Any) -> c.IntegrationEvent:
    return c.CampanaCreada(
        **envoltura,
        nombre=evento.nombre,
        descripcion=evento.descripcion,
        tipo=evento.tipo.value,
        estado=evento.estado.value,
        fecha_creacion=evento.fecha_creacion,
        fecha_inicio=evento.fecha_inicio,
        fecha_fin=evento.fecha_fin,
        presupuesto=float(evento.presupuesto),
        marca=c.MarcaCampana(
            id_marca=evento.marca.id_marca, nombre_marca=evento.marca.nombre_marca
        ),
        influencers=[c.InfluencerCampana(**asdict(i)) for i in evento.influencers],
        plazo_saga=evento.plazo_saga,
    )


@_contrato.register
def _(evento: d.CampanaConfirmada, **envoltura: Any) -> c.IntegrationEvent:
    return c.CampanaConfirmada(**envoltura)


@_contrato.register
def _(evento: d.CampanaCancelada, **envoltura: Any) -> c.IntegrationEvent:
    return c.CampanaCancelada(**envoltura, motivo=evento.motivo, origen=evento.origen.value)


@_contrato.register
def _(evento: d.CampanaIniciada, **envoltura: Any) -> c.IntegrationEvent:
    return c.CampanaIniciada(**envoltura)


@_contrato.register
def _(evento: d.CampanaFinalizada, **envoltura: Any) -> c.IntegrationEvent:
    return c.CampanaFinalizada(**envoltura, id_marca=evento.id_marca)


# --- contracts -> domain ---

RESULTADOS: dict[type[c.IntegrationEvent], tuple[Participante, Resultado]] = {
    c.PresupuestoReservado: (Participante.MARCA, Resultado.EXITO),
    c.ReservaPresupuestoRechazada: (Participante.MARCA, Resultado.FALLO),
    c.PresupuestoLiberado: (Participante.MARCA, Resultado.COMPENSACION),
    c.InfluencersAsignados: (Participante.INFLUENCER, Resultado.EXITO),
    c.AsignacionInfluencersRechazada: (Participante.INFLUENCER, Resultado.FALLO),
    c.InfluencersLiberados: (Participante.INFLUENCER, Resultado.COMPENSACION),
    c.TrackingHabilitado: (Participante.TRACKING, Resultado.EXITO),
    c.HabilitacionTrackingRechazada: (Participante.TRACKING, Resultado.FALLO),
    c.TrackingDeshabilitado: (Participante.TRACKING, Resultado.COMPENSACION),
}
"""Which participant answered what, by the outcome event it published."""


def resultado_de(evento: c.IntegrationEvent) -> RegistrarResultado:
    """The command that records a participant's outcome event."""
    participante, resultado = RESULTADOS[type(evento)]
    motivo: str | None = getattr(evento, "motivo", None)
    if motivo is not None and getattr(evento, "tecnico", False):
        motivo = f"{motivo} (fallo técnico)"
    return RegistrarResultado(
        id_campana=evento.id_campana,
        participante=participante,
        resultado=resultado,
        motivo=motivo,
    )
