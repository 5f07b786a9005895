"""The ``Campana`` aggregate: a campaign, its lifecycle and its saga as afiliaciones sees it.

Every change goes through a method. A method that changes something leaves behind:

- ``eventos``: domain events to publish (the unit of work puts them in the outbox when the work
  that stored the campaign commits);
- ``linea_de_tiempo_nueva``: ``EntradaSaga`` lines to append to the persisted saga timeline,
  both for what afiliaciones publishes (origen "afiliaciones"; for ``CampanaCancelada`` the
  cancellation's origen) and for each participant outcome it records (origen: the participant).

Both lists are pending work: the repository stores the timeline lines with the new state, and
the unit of work takes the events, in one transaction; both are cleared then. A call that
changes nothing (a duplicate outcome, a deadline not yet due) appends nothing. Illegal lifecycle
actions raise ``TransicionInvalida``.

Datetimes are stored aware, in UTC; naive inputs are read as UTC. ``presupuesto`` is a
``Decimal``: money, compared exactly and stored as NUMERIC; it becomes a float only at the edges
(the Avro contract and the JSON answer, where the seed shows 15000.0).

For the adapter: ``version`` is for optimistic locking (the ORM's version counter owns it);
``eventos`` and ``linea_de_tiempo_nueva`` are not columns, so a mapper that loads without
``__init__`` must set them to empty lists on load. ``progreso`` is immutable and replaced on each
change, so the ORM sees it change.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TypedDict

from afiliaciones_svc.domain import events
from afiliaciones_svc.domain.errors import TransicionInvalida
from afiliaciones_svc.domain.rules import reglas_de_campana
from afiliaciones_svc.domain.saga import (
    AFILIACIONES,
    CANCELACION_REENVIADA,
    EVENTOS_DE_PARTICIPANTE,
    SAGA_COMPENSADA,
    EntradaSaga,
    EstadoSaga,
    OrigenCancelacion,
    Participante,
    ProgresoSaga,
    Resultado,
    estado_saga,
)
from afiliaciones_svc.domain.values import (
    EstadoCampana,
    InfluencerInfo,
    MarcaRef,
    SolicitudCampana,
    TipoCampana,
    en_utc,
)
from alpes.seedwork import AggregateRoot, check_rules

__all__ = [
    "Campana",
    "EstadoCampana",
    "InfluencerInfo",
    "MarcaRef",
    "SolicitudCampana",
    "TipoCampana",
]

_CANCELABLES = (EstadoCampana.CREADA, EstadoCampana.CONFIRMADA, EstadoCampana.INICIADA)


class _Cabecera(TypedDict):
    id_campana: str
    id_saga: str
    id_correlacion: str
    ocurrido_en: datetime


@dataclass(eq=False, kw_only=True)
class Campana(AggregateRoot[events.EventoCampana]):
    id: str
    nombre: str
    descripcion: str
    tipo: TipoCampana
    fecha_inicio: datetime
    fecha_fin: datetime
    presupuesto: Decimal
    marca: MarcaRef
    influencers: tuple[InfluencerInfo, ...]
    estado: EstadoCampana
    fecha_creacion: datetime
    id_saga: str
    id_correlacion: str
    plazo_saga: datetime
    progreso: ProgresoSaga = field(default_factory=ProgresoSaga)
    motivo_cancelacion: str | None = None
    origen_cancelacion: OrigenCancelacion | None = None
    cancelada_en: datetime | None = None
    revisar_en: datetime | None = None
    linea_de_tiempo_nueva: list[EntradaSaga] = field(default_factory=list, repr=False)

    @classmethod
    def crear(
        cls,
        solicitud: SolicitudCampana,
        *,
        id_campana: str,
        ahora: datetime,
        plazo: timedelta,
        id_saga: str,
        id_correlacion: str,
    ) -> Campana:
        """The campaign ``solicitud`` asks for, new in ``creada``, opening its saga;
        ``ErrorValidacion`` if the request breaks a rule."""
        if plazo <= timedelta(0):
            raise ValueError(f"the saga deadline must be positive, got {plazo}")
        solicitud, ahora = solicitud.fechas_en_utc(), en_utc(ahora)
        check_rules(reglas_de_campana(solicitud))
        campana = cls(
            id=id_campana,
            nombre=solicitud.nombre.strip(),
            descripcion=solicitud.descripcion.strip(),
            tipo=TipoCampana(solicitud.tipo),
            fecha_inicio=solicitud.fecha_inicio,
            fecha_fin=solicitud.fecha_fin,
            presupuesto=solicitud.presupuesto,
            marca=MarcaRef(solicitud.marca.id_marca.strip(), solicitud.marca.nombre_marca.strip()),
            influencers=tuple(map(_limpio, solicitud.influencers)),
            estado=EstadoCampana.CREADA,
            fecha_creacion=ahora,
            id_saga=id_saga,
            id_correlacion=id_correlacion,
            plazo_saga=ahora + plazo,
        )
        campana._emitir(campana._creada())
        return campana

    @property
    def estado_saga(self) -> EstadoSaga:
        return estado_saga(self.estado, self.progreso)

    # --- the participants' outcomes (idempotent) ---

    def registrar_exito(self, participante: Participante, ahora: datetime) -> None:
        """Its step is done. Confirms the campaign once all three are; after a cancellation it
        changes no state (the participant compensates when it sees the cancellation)."""
        ahora = en_utc(ahora)
        if not self._registrar(participante, Resultado.EXITO, ahora):
            return
        if self.estado is EstadoCampana.CREADA and self.progreso.todos_cumplieron():
            self.estado = EstadoCampana.CONFIRMADA
            self._emitir(events.CampanaConfirmada(**self._cabecera(ahora)))

    def registrar_fallo(self, participante: Participante, motivo: str, ahora: datetime) -> None:
        """Its step failed: cancels a campaign still in ``creada``; otherwise only recorded."""
        ahora = en_utc(ahora)
        if not self._registrar(participante, Resultado.FALLO, ahora, motivo):
            return
        if self.estado is EstadoCampana.CREADA:
            self._cancelar(motivo, OrigenCancelacion(participante.value), ahora)

    def registrar_compensacion(
        self, participante: Participante, ahora: datetime, motivo: str | None = None
    ) -> None:
        """It released what it held (a compensation, or the release at the campaign's end)."""
        self._registrar(participante, Resultado.COMPENSACION, en_utc(ahora), motivo)

    # --- cancellation ---

    def cancelar(self, motivo: str, origen: OrigenCancelacion, ahora: datetime) -> None:
        """Cancel from creada, confirmada or iniciada; participants then compensate."""
        self._exigir("cancelar", *_CANCELABLES)
        self._cancelar(motivo, origen, en_utc(ahora))

    def vencer_plazo(self, ahora: datetime) -> bool:
        """Cancel a saga still running at its deadline; True if it did."""
        ahora = en_utc(ahora)
        if self.estado is not EstadoCampana.CREADA or ahora < self.plazo_saga:
            return False
        faltan = ", ".join(self.progreso.sin_respuesta()) or "ninguno"
        self._cancelar(f"plazo vencido sin respuesta de: {faltan}", OrigenCancelacion.PLAZO, ahora)
        return True

    def reenviar_cancelacion(self, ahora: datetime, espera_maxima: timedelta) -> bool:
        """A cancellation not every participant answered: send the same ``CampanaCancelada``
        again (participants that handled it drop it, the others compensate) and schedule the
        next look, waiting longer the older the cancellation is (up to ``espera_maxima``).
        True if it sent it; nothing happens to a saga that is not ``compensando``."""
        ahora = en_utc(ahora)
        if self.estado_saga is not EstadoSaga.COMPENSANDO:
            return False
        assert self.origen_cancelacion is not None and self.motivo_cancelacion is not None
        cancelada_en = self.cancelada_en or self.fecha_creacion
        faltan = ", ".join(self.progreso.sin_compensar())
        self.eventos.append(
            events.CampanaCancelada(
                **self._cabecera(cancelada_en),
                motivo=self.motivo_cancelacion,
                origen=self.origen_cancelacion,
            )
        )
        self._anotar(
            EntradaSaga(CANCELACION_REENVIADA, AFILIACIONES, ahora, f"sin respuesta de: {faltan}")
        )
        self.revisar_en = ahora + min(
            max(ahora - cancelada_en, timedelta(seconds=1)), espera_maxima
        )
        return True

    # --- lifecycle ---

    def iniciar(self, ahora: datetime) -> None:
        self._exigir("iniciar", EstadoCampana.CONFIRMADA)
        self.estado = EstadoCampana.INICIADA
        self._emitir(events.CampanaIniciada(**self._cabecera(ahora)))

    def finalizar(self, ahora: datetime) -> None:
        self._exigir("finalizar", EstadoCampana.INICIADA)
        self.estado = EstadoCampana.FINALIZADA
        self._emitir(
            events.CampanaFinalizada(**self._cabecera(ahora), id_marca=self.marca.id_marca)
        )

    # --- internals ---

    def _registrar(
        self,
        participante: Participante,
        resultado: Resultado,
        ahora: datetime,
        motivo: str | None = None,
    ) -> bool:
        """Record an outcome and its timeline line; False when it was already recorded."""
        if self.progreso.ya_registrado(participante, resultado):
            return False
        antes = self.estado_saga
        self.progreso = self.progreso.con(participante, resultado)
        evento = EVENTOS_DE_PARTICIPANTE[(participante, resultado)]
        self._anotar(EntradaSaga(evento, participante.value, ahora, motivo))
        self._anotar_si_compensada(antes, ahora)
        return True

    def _cancelar(self, motivo: str, origen: OrigenCancelacion, ahora: datetime) -> None:
        antes = self.estado_saga
        self.estado = EstadoCampana.CANCELADA
        self.motivo_cancelacion, self.origen_cancelacion = motivo, origen
        self.cancelada_en = ahora
        self.eventos.append(
            events.CampanaCancelada(**self._cabecera(ahora), motivo=motivo, origen=origen)
        )
        self._anotar(EntradaSaga("CampanaCancelada", origen.value, ahora, motivo))
        self._anotar_si_compensada(antes, ahora)

    def _anotar_si_compensada(self, antes: EstadoSaga, ahora: datetime) -> None:
        """The line ``SagaCompensada``, once: when the last answer to a cancellation is in."""
        if antes is not EstadoSaga.COMPENSADA and self.estado_saga is EstadoSaga.COMPENSADA:
            self._anotar(EntradaSaga(SAGA_COMPENSADA, AFILIACIONES, ahora))

    def _exigir(self, accion: str, *permitidos: EstadoCampana) -> None:
        if self.estado not in permitidos:
            raise TransicionInvalida(accion, self.estado)

    def _emitir(self, evento: events.EventoCampana) -> None:
        self.eventos.append(evento)
        self._anotar(EntradaSaga(type(evento).__name__, AFILIACIONES, evento.ocurrido_en))

    def _anotar(self, entrada: EntradaSaga) -> None:
        self.linea_de_tiempo_nueva.append(entrada)

    def _cabecera(self, ahora: datetime) -> _Cabecera:
        return _Cabecera(
            id_campana=self.id,
            id_saga=self.id_saga,
            id_correlacion=self.id_correlacion,
            ocurrido_en=en_utc(ahora),
        )

    def _creada(self) -> events.CampanaCreada:
        return events.CampanaCreada(
            **self._cabecera(self.fecha_creacion),
            nombre=self.nombre,
            descripcion=self.descripcion,
            tipo=self.tipo,
            estado=self.estado,
            fecha_creacion=self.fecha_creacion,
            fecha_inicio=self.fecha_inicio,
            fecha_fin=self.fecha_fin,
            presupuesto=self.presupuesto,
            marca=self.marca,
            influencers=self.influencers,
            plazo_saga=self.plazo_saga,
        )


def _limpio(influencer: InfluencerInfo) -> InfluencerInfo:
    return replace(
        influencer,
        nombre=influencer.nombre.strip(),
        plataforma=influencer.plataforma.strip(),
        categoria=influencer.categoria.strip(),
    )
