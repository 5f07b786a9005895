"""Typed errors of the tracking domain; HTTP maps them to 4xx."""

from dataclasses import dataclass

from alpes.seedwork import DomainError


class ErrorDominio(DomainError):
    """Base of every business error of tracking."""


@dataclass(eq=False)
class TipoEventoDesconocido(ErrorDominio, template="tipo de evento desconocido: {tipo!r}"):
    """Not one of vista, clic, conversion, engagement, compartir, comentario (-> 422)."""

    tipo: str


@dataclass(eq=False)
class CampanaNoActiva(ErrorDominio, template="la campana {id_campana} no acepta eventos: {estado}"):
    """The campaign's tracking is disabled, finished or was cancelled (-> 409)."""

    id_campana: str
    estado: str


@dataclass(eq=False)
class CodigoDesconocido(
    ErrorDominio, template="codigo de tracking desconocido en la campana {id_campana}: {codigo}"
):
    """The tracking code is not one of this campaign's (-> 422)."""

    id_campana: str
    codigo: str


class CodigoRepetido(ErrorDominio):
    """The random source keeps producing codes already used (a broken source)."""


@dataclass(eq=False)
class ValorFueraDeRango(
    ErrorDominio, template="valor de conversion fuera de rango: {valor} (maximo {maximo})"
):
    """A conversion's value is larger than any purchase tracking counts (-> 422)."""

    valor: object
    maximo: object
