"""What tracking provisioned for one campaign: ``CampanaTracking`` and its ``CodigoTracking``s.

One aggregate keyed by ``id_campana``; it may be a tombstone (``cancelada_antes``) when a
cancellation arrives before ``CampanaCreada``. Metrics are not here: each accepted event yields an
``Incremento`` the adapter applies with one atomic ``UPDATE``, so accepting an event neither
changes the aggregate nor bumps its ``version`` (an ``AggregateRoot``'s). Codes are unique within
the campaign here; across campaigns, by their 72 random bits and a unique index in the database.
"""

import dataclasses
from collections.abc import Sequence

from alpes.seedwork import EstadosDePaso, PasoDeSaga, check_rule
from tracking_svc.domain import events
from tracking_svc.domain.errors import CodigoRepetido
from tracking_svc.domain.rules import EventoAceptable
from tracking_svc.domain.values import EstadoTracking, FuenteAleatoria, TipoEvento, generar_codigo

INTENTOS_POR_CODIGO = 5


def _normalizar(texto: str) -> str:
    return " ".join(texto.split()).casefold()


@dataclasses.dataclass(frozen=True, kw_only=True)
class InfluencerATrackear:
    """An influencer as ``CampanaCreada`` lists it; one code per (nombre, plataforma), any case."""

    id_influencer: str | None = None
    nombre: str
    plataforma: str

    @property
    def clave(self) -> tuple[str, str]:
        return _normalizar(self.nombre), _normalizar(self.plataforma)


@dataclasses.dataclass(eq=False, kw_only=True)
class CodigoTracking:
    """An influencer's tracking code in the campaign; inactive once the campaign stops."""

    codigo: str
    id_influencer: str | None
    nombre: str
    plataforma: str
    activo: bool = True

    def como_evento(self) -> events.CodigoInfluencer:
        return events.CodigoInfluencer(
            codigo=self.codigo,
            id_influencer=self.id_influencer,
            nombre=self.nombre,
            plataforma=self.plataforma,
        )


def _unicos(influencers: Sequence[InfluencerATrackear]) -> list[InfluencerATrackear]:
    por_clave: dict[tuple[str, str], InfluencerATrackear] = {}
    for influencer in influencers:
        por_clave.setdefault(influencer.clave, influencer)
    return list(por_clave.values())


def _codigo_nuevo(fuente: FuenteAleatoria, usados: set[str]) -> str:
    for _ in range(INTENTOS_POR_CODIGO):
        codigo = generar_codigo(fuente)
        if codigo not in usados:
            usados.add(codigo)
            return codigo
    raise CodigoRepetido(f"{INTENTOS_POR_CODIGO} codigos repetidos seguidos")


def _codigos(
    influencers: Sequence[InfluencerATrackear], fuente: FuenteAleatoria
) -> list[CodigoTracking]:
    usados: set[str] = set()
    return [
        CodigoTracking(
            codigo=_codigo_nuevo(fuente, usados),
            id_influencer=influencer.id_influencer,
            nombre=influencer.nombre,
            plataforma=influencer.plataforma,
        )
        for influencer in _unicos(influencers)
    ]


@dataclasses.dataclass(eq=False, kw_only=True)
class CampanaTracking(PasoDeSaga[EstadoTracking, events.EventoTracking, None]):
    """Tracking of one campaign: while ``activa``, its ``codigos`` count the campaign's events
    (``id_marca``: its brand). A release, and the campaign's end, disable them; tracking needs
    nothing else to give them back."""

    estados = EstadosDePaso(
        retiene=EstadoTracking.ACTIVA,
        liberado=EstadoTracking.DESHABILITADA,
        finalizado=EstadoTracking.FINALIZADA,
    )

    id_marca: str | None = None
    codigos: list[CodigoTracking] = dataclasses.field(default_factory=list)

    @classmethod
    def habilitar(
        cls,
        id_campana: str,
        id_marca: str,
        influencers: Sequence[InfluencerATrackear],
        fuente: FuenteAleatoria,
    ) -> "CampanaTracking":
        """Provision the campaign: one unique code per distinct influencer."""
        campana = cls(
            id_campana=id_campana,
            id_marca=id_marca,
            estado=EstadoTracking.ACTIVA,
            codigos=_codigos(influencers, fuente),
        )
        codigos = tuple(codigo.como_evento() for codigo in campana.codigos)
        campana.eventos.append(events.TrackingHabilitado(id_campana=id_campana, codigos=codigos))
        return campana

    @classmethod
    def fallo_tecnico(cls, id_campana: str, id_marca: str, motivo: str) -> "CampanaTracking":
        """Provisioning kept failing after its retries: a final, technical rejection."""
        return cls.rechazada(id_campana, motivo, tecnico=True, id_marca=id_marca)

    def _devolver(self, tenedor: None) -> None:
        for codigo in self.codigos:
            codigo.activo = False

    def _liberado(self, motivo: str) -> events.TrackingDeshabilitado:
        return events.TrackingDeshabilitado(id_campana=self.id_campana, motivo=motivo)

    def _rechazo(self, motivo: str, tecnico: bool) -> events.HabilitacionTrackingRechazada:
        return events.HabilitacionTrackingRechazada(
            id_campana=self.id_campana, motivo=motivo, tecnico=tecnico
        )

    def buscar_codigo(self, codigo: str) -> CodigoTracking | None:
        return next((c for c in self.codigos if c.codigo == codigo), None)

    def aceptar_evento(self, tipo: TipoEvento, codigo: str | None) -> CodigoTracking | None:
        """Check that a tracking event of ``tipo`` may count; the code it came with, if any.

        Raises CampanaNoActiva (-> 409) or CodigoDesconocido (-> 422). Changes nothing.
        """
        conocidos = {c.codigo for c in self.codigos}
        check_rule(EventoAceptable(self.id_campana, self.estado, codigo, conocidos))
        return None if codigo is None else self.buscar_codigo(codigo)
