"""Influencers (``Influencer``) and what influencer did for each campaign (``AsignacionCampana``).

Two aggregates. ``AsignacionCampana`` is keyed by ``id_campana``; it may be a tombstone
(``cancelada_antes``) when a cancellation arrives before ``CampanaCreada``. Operations that move
capacity take a ``CarteraInfluencers``: the influencers the adapter loaded (``SELECT ... FOR
UPDATE``, ordered by id, after locking the assignment row) plus those registered on the way.

An influencer's identity from events is ``ClaveInfluencer``: (nombre, plataforma) compared
case-insensitively, with spaces collapsed. Store it (a unique index) to find influencers by it.
Both are ``AggregateRoot``s (``version``, pending ``eventos``).
"""

import dataclasses
import enum
import uuid
from collections.abc import Iterable, Sequence

from alpes.seedwork import AggregateRoot, EstadosDePaso, PasoDeSaga, check_rule
from influencer_svc.domain import events
from influencer_svc.domain.errors import (
    DatosInfluencerInvalidos,
    InfluencerDesconocido,
    InfluencerNoAsignable,
    SinCampanasActivas,
)
from influencer_svc.domain.rules import CapacidadDisponible, InfluencerActivo

MAX_CAMPANAS_POR_DEFECTO = 3
LONGITUD_MAXIMA_NOMBRE = 200
LONGITUD_MAXIMA_PLATAFORMA = 100
LONGITUD_MAXIMA_CATEGORIA = 100

RECHAZOS_DE_ASIGNACION = (DatosInfluencerInvalidos, InfluencerNoAsignable)
"""Errors that turn an assignment into ``AsignacionInfluencersRechazada`` instead of raising."""


def _normalizar(texto: str) -> str:
    return " ".join(texto.split()).casefold()


@dataclasses.dataclass(frozen=True)
class ClaveInfluencer:
    """(nombre, plataforma), case-insensitive: how events identify an influencer."""

    nombre: str
    plataforma: str

    @classmethod
    def de(cls, nombre: str, plataforma: str) -> "ClaveInfluencer":
        return cls(_normalizar(nombre), _normalizar(plataforma))


@dataclasses.dataclass(frozen=True, kw_only=True)
class InfluencerSolicitado:
    """An influencer as ``CampanaCreada`` lists it (``id_influencer`` if afiliaciones knew it)."""

    id_influencer: str | None = None
    nombre: str
    plataforma: str
    seguidores: int
    categoria: str

    @property
    def clave(self) -> ClaveInfluencer:
        return ClaveInfluencer.de(self.nombre, self.plataforma)


def _texto(valor: str, campo: str, minimo: int, maximo: int) -> str:
    limpio = valor.strip()
    if not minimo <= len(limpio) <= maximo:
        raise DatosInfluencerInvalidos(f"{campo} debe tener {minimo} a {maximo} caracteres")
    return limpio


def _seguidores(valor: int) -> int:
    if isinstance(valor, bool) or not isinstance(valor, int) or valor < 0:
        raise DatosInfluencerInvalidos(f"seguidores debe ser un entero >= 0: {valor!r}")
    return valor


@dataclasses.dataclass(eq=False, kw_only=True)
class Influencer(AggregateRoot[events.EventoInfluencer]):
    """An influencer; ``campanas_activas`` counts the campaigns holding it (never below 0)."""

    id_influencer: str
    nombre: str
    plataforma: str
    seguidores: int
    categoria: str
    activo: bool = True
    campanas_activas: int = 0

    @classmethod
    def registrar(
        cls,
        nombre: str,
        plataforma: str,
        seguidores: int,
        categoria: str,
        *,
        id_influencer: str | None = None,
    ) -> "Influencer":
        """A new active influencer (a fresh UUID unless ``id_influencer`` is given)."""
        influencer = cls(
            id_influencer=id_influencer or str(uuid.uuid4()),
            nombre=_texto(nombre, "nombre", 1, LONGITUD_MAXIMA_NOMBRE),
            plataforma=_texto(plataforma, "plataforma", 1, LONGITUD_MAXIMA_PLATAFORMA),
            seguidores=_seguidores(seguidores),
            categoria=_texto(categoria, "categoria", 0, LONGITUD_MAXIMA_CATEGORIA),
        )
        influencer.eventos.append(influencer._registrado())
        return influencer

    def _registrado(self) -> events.InfluencerRegistrado:
        return events.InfluencerRegistrado(
            id_influencer=self.id_influencer,
            nombre=self.nombre,
            plataforma=self.plataforma,
            seguidores=self.seguidores,
            categoria=self.categoria,
        )

    @property
    def clave(self) -> ClaveInfluencer:
        return ClaveInfluencer.de(self.nombre, self.plataforma)

    def desactivar(self) -> None:
        """No new campaigns; current ones keep it. Idempotent."""
        if not self.activo:
            return
        self.activo = False
        self.version += 1
        self.eventos.append(events.InfluencerDesactivado(id_influencer=self.id_influencer))

    def verificar_asignable(self, max_campanas: int) -> None:
        """Raise InfluencerNoAsignable (InfluencerInactivo or CapacidadExcedida) when one more
        campaign does not fit."""
        check_rule(InfluencerActivo(self.id_influencer, self.nombre, self.activo))
        check_rule(
            CapacidadDisponible(
                self.id_influencer, self.nombre, self.campanas_activas, max_campanas
            )
        )

    def ocupar_cupo(self, max_campanas: int) -> None:
        self.verificar_asignable(max_campanas)
        self.campanas_activas += 1
        self.version += 1

    def liberar_cupo(self) -> None:
        if self.campanas_activas <= 0:
            raise SinCampanasActivas(f"{self.id_influencer} no tiene campanas activas")
        self.campanas_activas -= 1
        self.version += 1


class CarteraInfluencers:
    """The influencers loaded for one operation, found by id or by key; registers unknown ones.

    ``nuevos`` are the influencers registered here: the adapter adds them to the session.
    """

    def __init__(self, conocidos: Iterable[Influencer] = ()) -> None:
        self._por_id: dict[str, Influencer] = {}
        self._por_clave: dict[ClaveInfluencer, Influencer] = {}
        self.nuevos: list[Influencer] = []
        for influencer in conocidos:
            self._indexar(influencer)

    def _indexar(self, influencer: Influencer) -> None:
        self._por_id[influencer.id_influencer] = influencer
        self._por_clave[influencer.clave] = influencer

    def obtener(self, id_influencer: str) -> Influencer:
        try:
            return self._por_id[id_influencer]
        except KeyError:
            raise InfluencerDesconocido(f"influencer no cargado: {id_influencer}") from None

    def buscar(self, solicitado: InfluencerSolicitado) -> Influencer | None:
        """By id when the event has a known one, else by (nombre, plataforma)."""
        if solicitado.id_influencer in self._por_id:
            return self._por_id[solicitado.id_influencer]
        return self._por_clave.get(solicitado.clave)

    def obtener_o_registrar(self, solicitado: InfluencerSolicitado) -> Influencer:
        influencer = self.buscar(solicitado)
        if influencer is None:
            influencer = Influencer.registrar(
                solicitado.nombre,
                solicitado.plataforma,
                solicitado.seguidores,
                solicitado.categoria,
                id_influencer=solicitado.id_influencer,
            )
            self._indexar(influencer)
            self.nuevos.append(influencer)
        return influencer

    def resolver(self, solicitados: Sequence[InfluencerSolicitado]) -> list[Influencer]:
        """Each requested influencer once, in order, registering the unknown ones."""
        resueltos: dict[str, Influencer] = {}
        for solicitado in solicitados:
            influencer = self.obtener_o_registrar(solicitado)
            resueltos.setdefault(influencer.id_influencer, influencer)
        return list(resueltos.values())


class EstadoAsignacion(enum.StrEnum):
    ASIGNADA = "asignada"
    LIBERADA = "liberada"
    FINALIZADA = "finalizada"
    RECHAZADA = "rechazada"
    CANCELADA_ANTES = "cancelada_antes"


@dataclasses.dataclass(eq=False, kw_only=True)
class AsignacionCampana(PasoDeSaga[EstadoAsignacion, events.EventoAsignacion, CarteraInfluencers]):
    """What influencer did for one campaign: while ``asignada``, it holds one place of each of
    ``ids_influencer``. A release, and the campaign's end, free them (the ``CarteraInfluencers``
    must hold them)."""

    estados = EstadosDePaso(
        retiene=EstadoAsignacion.ASIGNADA,
        liberado=EstadoAsignacion.LIBERADA,
        finalizado=EstadoAsignacion.FINALIZADA,
    )

    ids_influencer: list[str] = dataclasses.field(default_factory=list)

    @classmethod
    def asignar(
        cls,
        id_campana: str,
        solicitados: Sequence[InfluencerSolicitado],
        cartera: CarteraInfluencers,
        max_campanas: int = MAX_CAMPANAS_POR_DEFECTO,
    ) -> "AsignacionCampana":
        """Assign every requested influencer, or none and record the rejection's reason."""
        if max_campanas < 1:
            raise ValueError(f"max_campanas must be >= 1, got {max_campanas}")
        try:
            influencers = cartera.resolver(solicitados)
            for influencer in influencers:
                influencer.verificar_asignable(max_campanas)
        except RECHAZOS_DE_ASIGNACION as error:
            return cls.rechazada(id_campana, str(error), tecnico=False)
        for influencer in influencers:
            influencer.ocupar_cupo(max_campanas)
        return cls._asignada(id_campana, influencers)

    @classmethod
    def _asignada(cls, id_campana: str, influencers: list[Influencer]) -> "AsignacionCampana":
        asignacion = cls(
            id_campana=id_campana,
            ids_influencer=[influencer.id_influencer for influencer in influencers],
            estado=EstadoAsignacion.ASIGNADA,
        )
        asignaciones = tuple(
            events.InfluencerAsignado(
                id_influencer=i.id_influencer, nombre=i.nombre, plataforma=i.plataforma
            )
            for i in influencers
        )
        asignacion.eventos.append(
            events.InfluencersAsignados(id_campana=id_campana, asignaciones=asignaciones)
        )
        return asignacion

    @classmethod
    def fallo_tecnico(cls, id_campana: str, motivo: str) -> "AsignacionCampana":
        """The assignment kept failing after its retries: a final, technical rejection."""
        return cls.rechazada(id_campana, motivo, tecnico=True)

    def _devolver(self, cartera: CarteraInfluencers | None) -> None:
        """Every influencer is found before any is freed: a missing one changes nothing."""
        cargados = cartera if cartera is not None else CarteraInfluencers()
        for influencer in [cargados.obtener(id_) for id_ in self.ids_influencer]:
            influencer.liberar_cupo()

    def _liberado(self, motivo: str) -> events.InfluencersLiberados:
        return events.InfluencersLiberados(
            id_campana=self.id_campana, ids_influencer=tuple(self.ids_influencer), motivo=motivo
        )

    def _rechazo(self, motivo: str, tecnico: bool) -> events.AsignacionInfluencersRechazada:
        return events.AsignacionInfluencersRechazada(
            id_campana=self.id_campana, motivo=motivo, tecnico=tecnico
        )
