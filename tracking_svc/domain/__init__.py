"""The pure domain of tracking: per-campaign tracking codes, event acceptance, metric increments."""

from tracking_svc.domain.errors import (
    CampanaNoActiva,
    CodigoDesconocido,
    CodigoRepetido,
    ErrorDominio,
    TipoEventoDesconocido,
    ValorFueraDeRango,
)
from tracking_svc.domain.events import (
    CodigoInfluencer,
    EventoDominio,
    EventoTracking,
    HabilitacionTrackingRechazada,
    TrackingDeshabilitado,
    TrackingHabilitado,
)
from tracking_svc.domain.model import (
    CampanaTracking,
    CodigoTracking,
    InfluencerATrackear,
)
from tracking_svc.domain.reactions import (
    when_campana_cancelada_deshabilitar,
    when_campana_creada_habilitar,
    when_campana_finalizada_cerrar,
    when_fallo_tecnico_rechazar,
)
from tracking_svc.domain.rules import EventoAceptable
from tracking_svc.domain.values import (
    BYTES_POR_CODIGO,
    MAX_VALOR_CONVERSION,
    EstadoTracking,
    FuenteAleatoria,
    Incremento,
    TipoEvento,
    generar_codigo,
    valor_conversion,
)

__all__ = [
    "BYTES_POR_CODIGO",
    "MAX_VALOR_CONVERSION",
    "CampanaNoActiva",
    "CampanaTracking",
    "CodigoDesconocido",
    "CodigoInfluencer",
    "CodigoRepetido",
    "CodigoTracking",
    "ErrorDominio",
    "EstadoTracking",
    "EventoAceptable",
    "EventoDominio",
    "EventoTracking",
    "FuenteAleatoria",
    "HabilitacionTrackingRechazada",
    "Incremento",
    "InfluencerATrackear",
    "TipoEvento",
    "TipoEventoDesconocido",
    "TrackingDeshabilitado",
    "TrackingHabilitado",
    "ValorFueraDeRango",
    "generar_codigo",
    "valor_conversion",
    "when_campana_cancelada_deshabilitar",
    "when_campana_creada_habilitar",
    "when_campana_finalizada_cerrar",
    "when_fallo_tecnico_rechazar",
]
