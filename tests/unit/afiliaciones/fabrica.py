"""Builders shared by the afiliaciones domain tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from afiliaciones_svc.domain.model import Campana, InfluencerInfo, MarcaRef, SolicitudCampana
from afiliaciones_svc.domain.saga import Participante

AHORA = datetime(2025, 9, 15, 1, 45, 19, tzinfo=UTC)
PLAZO = timedelta(minutes=5)
TODOS = tuple(Participante)

ANA = InfluencerInfo("Ana García", "Instagram", 150000, "Fitness")
CARLOS = InfluencerInfo("Carlos López", "TikTok", 300000, "Lifestyle")

SOLICITUD = SolicitudCampana(
    nombre="Campaña de Verano 2024",
    descripcion="Promoción de productos de verano con influencers",
    tipo="influencer",
    fecha_inicio=datetime(2025, 1, 1, tzinfo=UTC),
    fecha_fin=datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC),
    presupuesto=Decimal("15000"),
    marca=MarcaRef("123e4567", "Nike"),
    influencers=(ANA, CARLOS),
)
"""The seed's example campaign."""


def solicitud(**cambios: Any) -> SolicitudCampana:
    """The seed's example campaign with ``cambios``."""
    return replace(SOLICITUD, **cambios)


def crear(*, ahora: datetime = AHORA, plazo: timedelta = PLAZO, **cambios: Any) -> Campana:
    """``Campana.crear`` of the seed's example campaign with ``cambios``, at ``ahora``, with a saga
    of ``plazo``."""
    return Campana.crear(
        solicitud(**cambios),
        id_campana="c63c598a",
        ahora=ahora,
        plazo=plazo,
        id_saga="saga-1",
        id_correlacion="corr-1",
    )


def creada() -> Campana:
    """A new campaign with its creation's pending events and timeline already taken."""
    return tomada(crear())


def confirmada() -> Campana:
    campana = creada()
    for participante in TODOS:
        campana.registrar_exito(participante, AHORA)
    return tomada(campana)


def iniciada() -> Campana:
    campana = confirmada()
    campana.iniciar(AHORA)
    return tomada(campana)


def tomada(campana: Campana) -> Campana:
    """What the application does after committing: clear the pending work."""
    campana.eventos.clear()
    campana.linea_de_tiempo_nueva.clear()
    return campana


def nombres_de_eventos(campana: Campana) -> list[str]:
    return [type(evento).__name__ for evento in campana.eventos]


def linea(campana: Campana) -> list[tuple[str, str]]:
    return [(e.evento, e.origen) for e in campana.linea_de_tiempo_nueva]
