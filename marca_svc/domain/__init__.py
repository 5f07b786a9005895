"""The pure domain of marca: brands, their budget, and per-campaign reservations."""

from marca_svc.domain.errors import (
    DatosMarcaInvalidos,
    ErrorDominio,
    MarcaInactiva,
    MarcaNoCorresponde,
    MontoInvalido,
    PresupuestoInsuficiente,
    ReservaInconsistente,
)
from marca_svc.domain.events import (
    EventoDominio,
    EventoMarca,
    EventoReserva,
    MarcaDesactivada,
    MarcaRegistrada,
    PresupuestoConsumido,
    PresupuestoLiberado,
    PresupuestoReservado,
    ReservaPresupuestoRechazada,
)
from marca_svc.domain.model import EstadoReserva, Marca, ReservaPresupuesto, como_monto
from marca_svc.domain.reactions import (
    when_campana_cancelada_liberar,
    when_campana_creada_reservar,
    when_campana_finalizada_consumir,
    when_fallo_tecnico_rechazar,
)

__all__ = [
    "DatosMarcaInvalidos",
    "ErrorDominio",
    "EstadoReserva",
    "EventoDominio",
    "EventoMarca",
    "EventoReserva",
    "Marca",
    "MarcaDesactivada",
    "MarcaInactiva",
    "MarcaNoCorresponde",
    "MarcaRegistrada",
    "MontoInvalido",
    "PresupuestoConsumido",
    "PresupuestoInsuficiente",
    "PresupuestoLiberado",
    "PresupuestoReservado",
    "ReservaInconsistente",
    "ReservaPresupuesto",
    "ReservaPresupuestoRechazada",
    "como_monto",
    "when_campana_cancelada_liberar",
    "when_campana_creada_reservar",
    "when_campana_finalizada_consumir",
    "when_fallo_tecnico_rechazar",
]
