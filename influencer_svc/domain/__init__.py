"""The pure domain of influencer: influencers, their capacity, and per-campaign assignments."""

from influencer_svc.domain.errors import (
    CapacidadExcedida,
    DatosInfluencerInvalidos,
    ErrorDominio,
    InfluencerDesconocido,
    InfluencerInactivo,
    SinCampanasActivas,
)
from influencer_svc.domain.events import (
    AsignacionInfluencersRechazada,
    EventoAsignacion,
    EventoDominio,
    EventoInfluencer,
    InfluencerAsignado,
    InfluencerDesactivado,
    InfluencerRegistrado,
    InfluencersAsignados,
    InfluencersLiberados,
)
from influencer_svc.domain.model import (
    MAX_CAMPANAS_POR_DEFECTO,
    AsignacionCampana,
    CarteraInfluencers,
    ClaveInfluencer,
    EstadoAsignacion,
    Influencer,
    InfluencerSolicitado,
)
from influencer_svc.domain.reactions import (
    when_campana_cancelada_liberar,
    when_campana_creada_asignar,
    when_campana_finalizada_liberar,
    when_fallo_tecnico_rechazar,
)

__all__ = [
    "MAX_CAMPANAS_POR_DEFECTO",
    "AsignacionCampana",
    "AsignacionInfluencersRechazada",
    "CapacidadExcedida",
    "CarteraInfluencers",
    "ClaveInfluencer",
    "DatosInfluencerInvalidos",
    "ErrorDominio",
    "EstadoAsignacion",
    "EventoAsignacion",
    "EventoDominio",
    "EventoInfluencer",
    "Influencer",
    "InfluencerAsignado",
    "InfluencerDesactivado",
    "InfluencerDesconocido",
    "InfluencerInactivo",
    "InfluencerRegistrado",
    "InfluencerSolicitado",
    "InfluencersAsignados",
    "InfluencersLiberados",
    "SinCampanasActivas",
    "when_campana_cancelada_liberar",
    "when_campana_creada_asignar",
    "when_campana_finalizada_liberar",
    "when_fallo_tecnico_rechazar",
]
