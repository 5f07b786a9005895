"""Errors of the use cases (not of the domain); HTTP maps them to 4xx."""

from __future__ import annotations

from dataclasses import dataclass

from alpes.seedwork import DomainError, NotFound


class InfluencerNoEncontrado(NotFound):
    template = "influencer no encontrado: {id}"


@dataclass(eq=False)
class InfluencerYaRegistrado(DomainError):
    template = "ya existe un influencer {nombre} en {plataforma}"
    nombre: str
    plataforma: str


@dataclass(eq=False)
class ReactivacionNoSoportada(DomainError):
    template = "un influencer desactivado no se reactiva: {id_influencer}"
    id_influencer: str
