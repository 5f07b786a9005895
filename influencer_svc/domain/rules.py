"""Business rules of influencer, each a class named by what must hold."""

import dataclasses

from alpes.seedwork import BusinessRule
from influencer_svc.domain.errors import CapacidadExcedida, ErrorDominio, InfluencerInactivo


@dataclasses.dataclass(frozen=True)
class InfluencerActivo(BusinessRule):
    id_influencer: str
    nombre: str
    activo: bool

    def violation(self) -> ErrorDominio | None:
        return None if self.activo else InfluencerInactivo(self.id_influencer, self.nombre)


@dataclasses.dataclass(frozen=True)
class CapacidadDisponible(BusinessRule):
    """Fewer than ``max_campanas`` concurrent campaigns, so one more fits."""

    id_influencer: str
    nombre: str
    campanas_activas: int
    max_campanas: int

    def violation(self) -> ErrorDominio | None:
        if self.campanas_activas < self.max_campanas:
            return None
        return CapacidadExcedida(self.id_influencer, self.nombre, self.max_campanas)
