"""One hand-built instance of every event, for round trips."""

import datetime

from alpes.saga import Envelope
from contracts import (
    AsignacionInfluencer,
    AsignacionInfluencersRechazada,
    CampanaCancelada,
    CampanaConfirmada,
    CampanaCreada,
    CampanaFinalizada,
    CampanaIniciada,
    CodigoTracking,
    HabilitacionTrackingRechazada,
    InfluencerCampana,
    InfluencersAsignados,
    InfluencersLiberados,
    IntegrationEvent,
    MarcaCampana,
    PresupuestoLiberado,
    PresupuestoReservado,
    ReservaPresupuestoRechazada,
    TrackingDeshabilitado,
    TrackingHabilitado,
)

UTC = datetime.UTC
INSTANT = datetime.datetime(2025, 9, 15, 1, 45, 19, 889685, tzinfo=UTC)


ENVELOPE = Envelope(
    id_evento="976c67a2-b333-4f77-a380-6108be2e9d35",
    ocurrido_en=INSTANT,
    id_campana="c63c598a-186d-43eb-b52f-6f2963b39ec1",
    id_saga="0b7e1d0c-53a3-4a0b-9d6c-1f0f3e4c2a11",
    id_correlacion="5d1f6a55-3c86-4f0e-8d0b-0a3b1c2d3e4f",
)
ID_MARCA = "123e4567-e89b-12d3-a456-426614174000"


def campana_creada() -> CampanaCreada:
    return CampanaCreada(
        **ENVELOPE,
        nombre="Campaña de Verano 2024",
        descripcion="Promoción de productos de verano con influencers",
        tipo="influencer",
        estado="creada",
        fecha_creacion=datetime.datetime(2025, 9, 15, 1, 45, 19, 871731, tzinfo=UTC),
        fecha_inicio=datetime.datetime(2025, 1, 1, tzinfo=UTC),
        fecha_fin=datetime.datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC),
        presupuesto=15000.0,
        marca=MarcaCampana(id_marca=ID_MARCA, nombre_marca="Nike"),
        influencers=[
            InfluencerCampana(
                nombre="Ana García", plataforma="Instagram", seguidores=150000, categoria="Fitness"
            ),
            InfluencerCampana(
                id_influencer="i-2",
                nombre="Carlos López",
                plataforma="TikTok",
                seguidores=300000,
                categoria="Lifestyle",
            ),
        ],
        plazo_saga=datetime.datetime(2025, 9, 15, 1, 50, 19, 889685, tzinfo=UTC),
    )


def every_event() -> list[IntegrationEvent]:
    return [
        campana_creada(),
        CampanaConfirmada(**ENVELOPE),
        CampanaCancelada(**ENVELOPE, motivo="capacidad excedida", origen="influencer"),
        CampanaIniciada(**ENVELOPE),
        CampanaFinalizada(**ENVELOPE, id_marca=ID_MARCA),
        PresupuestoReservado(**ENVELOPE, id_marca=ID_MARCA, monto=15000.0),
        ReservaPresupuestoRechazada(
            **ENVELOPE, id_marca=ID_MARCA, motivo="presupuesto insuficiente", tecnico=False
        ),
        PresupuestoLiberado(**ENVELOPE, id_marca=ID_MARCA, monto=15000.0, motivo="cancelada"),
        InfluencersAsignados(
            **ENVELOPE,
            asignaciones=[
                AsignacionInfluencer(id_influencer="i-1", nombre="Ana García", plataforma="IG"),
                AsignacionInfluencer(id_influencer="i-2", nombre="Carlos López", plataforma="TT"),
            ],
        ),
        AsignacionInfluencersRechazada(**ENVELOPE, motivo="broker caído", tecnico=True),
        InfluencersLiberados(**ENVELOPE, ids_influencer=["i-1", "i-2"], motivo="finalizada"),
        TrackingHabilitado(
            **ENVELOPE,
            codigos=[
                CodigoTracking(nombre="Ana García", plataforma="IG", codigo="TRK-AAA"),
                CodigoTracking(
                    id_influencer="i-2", nombre="Carlos López", plataforma="TT", codigo="TRK-BBB"
                ),
            ],
        ),
        HabilitacionTrackingRechazada(**ENVELOPE, motivo="sin espacio", tecnico=True),
        TrackingDeshabilitado(**ENVELOPE, motivo="cancelada"),
    ]
