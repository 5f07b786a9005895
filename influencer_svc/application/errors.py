"""Errors of the use cases (not of the domain); HTTP maps them to 4xx."""

from __future__ import annotations

from dataclasses import dataclass

from alpes.seedwork import DomainError, NotFound


class InfluencerNoEncontrado(NotFound, template="influencer no encontrado: {id}"):
    """No influencer has this id (HTTP 404)."""


@dataclass(eq=False)
class InfluencerYaRegistrado(
    DomainError, template="ya existe un influencer {nombre} en {plataforma}"
):
    """An influencer with this name on this platform is registered already (HTTP 409)."""

    nombre: str
    plataforma: str


@dataclass(eq=False)
class ReactivacionNoSoportada(
    DomainError, template="un influencer desactivado no se reactiva: {id_influencer}"
):
    """A deactivated influencer stays deactivated (HTTP 409)."""

    id_influencer: str
