"""How influencer reacts to the saga's events, one function per event.

Each takes the campaign's assignment as stored, or None when influencer has never seen the
campaign, and returns the assignment to store. Pending events are in ``asignacion.eventos``;
influencers registered on the way are in ``cartera.nuevos``. Other participants' failures
(``ReservaPresupuestoRechazada``, ``HabilitacionTrackingRechazada``) are handled exactly like
``CampanaCancelada``.
"""

from collections.abc import Sequence

from influencer_svc.domain.model import (
    MAX_CAMPANAS_POR_DEFECTO,
    AsignacionCampana,
    CarteraInfluencers,
    InfluencerSolicitado,
)


def when_campana_creada_asignar(
    asignacion: AsignacionCampana | None,
    id_campana: str,
    solicitados: Sequence[InfluencerSolicitado],
    cartera: CarteraInfluencers,
    max_campanas: int = MAX_CAMPANAS_POR_DEFECTO,
) -> AsignacionCampana:
    """Assign once. A stored assignment (a duplicate, or a cancellation seen first) means there
    is nothing to do: the caller may skip loading influencers when it already has one."""
    if asignacion is not None:
        return asignacion
    return AsignacionCampana.asignar(id_campana, solicitados, cartera, max_campanas)


def when_campana_cancelada_liberar(
    asignacion: AsignacionCampana | None,
    id_campana: str,
    motivo: str,
    cartera: CarteraInfluencers,
) -> AsignacionCampana:
    """Free the assigned influencers, once; before ``CampanaCreada``, leave a tombstone.

    ``cartera`` must hold ``asignacion.ids_influencer`` when ``asignacion.retiene_influencers``.
    """
    if asignacion is None:
        return AsignacionCampana.cancelada_antes(id_campana, motivo)
    asignacion.liberar(motivo, cartera)
    return asignacion


def when_campana_finalizada_liberar(
    asignacion: AsignacionCampana | None, cartera: CarteraInfluencers
) -> None:
    """The campaign finished: its influencers get their capacity back."""
    if asignacion is not None:
        asignacion.finalizar(cartera)


def when_fallo_tecnico_rechazar(
    asignacion: AsignacionCampana | None, id_campana: str, motivo: str
) -> AsignacionCampana:
    """``CampanaCreada`` failed for a technical reason after its retries: publish the failure,
    unless the campaign was already handled (then its outcome stands)."""
    if asignacion is not None:
        return asignacion
    return AsignacionCampana.fallo_tecnico(id_campana, motivo)
