"""How tracking reacts to the saga's events: the rules every participant follows
(``alpes.seedwork.PasoDeSaga``, ``first_outcome_stands``), applied to the campaign's tracking.

A reaction takes the campaign as stored, or None when tracking has never seen it, and returns
what to store (pending events in ``campana.eventos``). Its codes are its own: disabling them on
a cancellation, or on another participant's failure, and closing them when the campaign ends,
needs nothing else loaded.
"""

from alpes.seedwork import first_outcome_stands
from tracking_svc.domain.model import CampanaTracking

when_campana_creada_habilitar = first_outcome_stands(CampanaTracking.habilitar)
when_campana_cancelada_deshabilitar = CampanaTracking.when_campana_cancelada
when_campana_finalizada_cerrar = CampanaTracking.when_campana_finalizada
when_fallo_tecnico_rechazar = first_outcome_stands(CampanaTracking.fallo_tecnico)
