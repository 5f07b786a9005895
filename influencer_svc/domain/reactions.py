"""How influencer reacts to the saga's events: the rules every participant follows
(``alpes.seedwork.PasoDeSaga``, ``first_outcome_stands``), applied to the campaign's assignment.

A reaction takes the assignment as stored, or None when influencer has never seen the campaign,
and returns the one to store: pending events are in ``asignacion.eventos``, influencers
registered on the way in ``cartera.nuevos``. With a stored assignment there is nothing to
assign, so the caller may skip loading influencers. A cancellation (or another participant's
failure) and the campaign's end free the assigned influencers: ``cartera`` must hold
``asignacion.ids_influencer`` while the assignment ``retiene``.
"""

from alpes.seedwork import first_outcome_stands
from influencer_svc.domain.model import AsignacionCampana

when_campana_creada_asignar = first_outcome_stands(AsignacionCampana.asignar)
when_campana_cancelada_liberar = AsignacionCampana.when_campana_cancelada
when_campana_finalizada_liberar = AsignacionCampana.when_campana_finalizada
when_fallo_tecnico_rechazar = first_outcome_stands(AsignacionCampana.fallo_tecnico)
