"""Business rules of tracking, each a class named by what must hold."""

import dataclasses
from collections.abc import Collection

from alpes.seedwork import BusinessRule
from tracking_svc.domain.errors import CampanaNoActiva, CodigoDesconocido, EventoNoAceptable
from tracking_svc.domain.values import EstadoTracking


@dataclasses.dataclass(frozen=True)
class EventoAceptable(BusinessRule):
    """A tracking event counts only while the campaign is active, and with one of its codes
    (or with no code: an event of the campaign as a whole, as the seed sent them)."""

    id_campana: str
    estado: EstadoTracking
    codigo: str | None
    codigos: Collection[str]

    def violation(self) -> EventoNoAceptable | None:
        if self.estado != EstadoTracking.ACTIVA:
            return CampanaNoActiva(self.id_campana, str(self.estado))
        if self.codigo is not None and self.codigo not in self.codigos:
            return CodigoDesconocido(self.id_campana, self.codigo)
        return None
