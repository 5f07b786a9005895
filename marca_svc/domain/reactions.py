"""How marca reacts to the saga's events: the rules every participant follows
(``alpes.seedwork.PasoDeSaga``, ``first_outcome_stands``), applied to the campaign's reservation.

A reaction takes the reservation as stored, or None when marca has never seen the campaign, and
returns the one to store, its pending events in ``reserva.eventos``. A stored reservation means
``CampanaCreada`` has nothing to do: the caller may skip loading the brand then. A cancellation,
like the other participants' failures, gives the money back to the reservation's brand, whom
the caller loads only while the reservation ``retiene``; the campaign's end leaves it spent.
"""

from alpes.seedwork import first_outcome_stands
from marca_svc.domain.model import ReservaPresupuesto

when_campana_creada_reservar = first_outcome_stands(ReservaPresupuesto.reservar)
when_campana_cancelada_liberar = ReservaPresupuesto.when_campana_cancelada
when_campana_finalizada_consumir = ReservaPresupuesto.when_campana_finalizada
when_fallo_tecnico_rechazar = first_outcome_stands(ReservaPresupuesto.fallo_tecnico)
