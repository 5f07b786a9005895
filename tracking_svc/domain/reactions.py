"""How tracking reacts to the saga's events, one function per event.

Each takes the campaign's tracking as stored, or None when tracking has never seen the campaign,
and returns what to store. Pending events are in ``campana.eventos``. Other participants' failures
(``ReservaPresupuestoRechazada``, ``AsignacionInfluencersRechazada``) are handled exactly like
``CampanaCancelada``.
"""

from collections.abc import Sequence

from tracking_svc.domain.model import CampanaTracking, InfluencerATrackear
from tracking_svc.domain.values import FuenteAleatoria


def when_campana_creada_habilitar(
    campana: CampanaTracking | None,
    id_campana: str,
    id_marca: str,
    influencers: Sequence[InfluencerATrackear],
    fuente: FuenteAleatoria,
) -> CampanaTracking:
    """Provision once. A stored campaign (a duplicate, or a cancellation seen first) means
    there is nothing to do."""
    if campana is not None:
        return campana
    return CampanaTracking.habilitar(id_campana, id_marca, influencers, fuente)


def when_campana_cancelada_deshabilitar(
    campana: CampanaTracking | None, id_campana: str, motivo: str
) -> CampanaTracking:
    """Disable the codes, once; before ``CampanaCreada``, leave a tombstone."""
    if campana is None:
        return CampanaTracking.cancelada_antes(id_campana, motivo)
    campana.deshabilitar(motivo)
    return campana


def when_campana_finalizada_cerrar(campana: CampanaTracking | None) -> None:
    """The campaign finished: its tracking closes."""
    if campana is not None:
        campana.finalizar()


def when_fallo_tecnico_rechazar(
    campana: CampanaTracking | None, id_campana: str, id_marca: str, motivo: str
) -> CampanaTracking:
    """``CampanaCreada`` failed for a technical reason after its retries: publish the failure,
    unless the campaign was already handled (then its outcome stands)."""
    if campana is not None:
        return campana
    return CampanaTracking.fallo_tecnico(id_campana, id_marca, motivo)
