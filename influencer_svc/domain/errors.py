"""Typed errors of the influencer domain; HTTP maps them to 4xx."""

from dataclasses import dataclass

from alpes.seedwork import DomainError


class ErrorDominio(DomainError):
    """Base of every business error of influencer."""


class DatosInfluencerInvalidos(ErrorDominio):
    """An influencer's name, platform, followers or category is not acceptable."""


@dataclass(eq=False)
class InfluencerNoAsignable(ErrorDominio):
    """The influencer cannot take one more campaign (the assignment is rejected)."""

    id_influencer: str
    nombre: str


class InfluencerInactivo(
    InfluencerNoAsignable, template="influencer inactivo: {nombre} ({id_influencer})"
):
    """The influencer was deactivated: no new campaigns."""


@dataclass(eq=False)
class CapacidadExcedida(
    InfluencerNoAsignable,
    template=(
        "capacidad excedida: {nombre} ({id_influencer}) ya tiene {max_campanas} campanas activas"
    ),
):
    """The influencer already has the maximum number of concurrent campaigns."""

    max_campanas: int


class InfluencerDesconocido(ErrorDominio):
    """An assignment names an influencer the caller did not load (a caller's mistake)."""


class SinCampanasActivas(ErrorDominio):
    """Freeing capacity of an influencer with no active campaign (a bug or corrupted data)."""
