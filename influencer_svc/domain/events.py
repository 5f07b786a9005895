"""Domain events of influencer. Adapters translate the saga ones into ``contracts.influencer``.

Only business fields: the envelope (event id, time, saga and correlation ids) is the adapter's.
``InfluencerRegistrado`` and ``InfluencerDesactivado`` have no contract and may stay internal.
"""

import dataclasses

from alpes.seedwork import EventoDePaso, PasoLiberado, PasoRechazado


@dataclasses.dataclass(frozen=True, kw_only=True)
class EventoDominio:
    """Base of the domain events of influencer."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class InfluencerRegistrado(EventoDominio):
    id_influencer: str
    nombre: str
    plataforma: str
    seguidores: int
    categoria: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class InfluencerDesactivado(EventoDominio):
    id_influencer: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class InfluencerAsignado:
    """One assigned influencer, as ``InfluencersAsignados`` lists it."""

    id_influencer: str
    nombre: str
    plataforma: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class InfluencersAsignados(EventoDominio, EventoDePaso):
    asignaciones: tuple[InfluencerAsignado, ...]


@dataclasses.dataclass(frozen=True, kw_only=True)
class AsignacionInfluencersRechazada(EventoDominio, PasoRechazado):
    """No influencer was assigned."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class InfluencersLiberados(EventoDominio, PasoLiberado):
    """Also published with no ids when nothing was assigned (the saga counts it)."""

    ids_influencer: tuple[str, ...]


EventoInfluencer = InfluencerRegistrado | InfluencerDesactivado
EventoAsignacion = InfluencersAsignados | AsignacionInfluencersRechazada | InfluencersLiberados
