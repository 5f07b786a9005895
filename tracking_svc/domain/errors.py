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
class EventoNoAceptable(ErrorDominio):
    """A tracking event does not count for the campaign ``id_campana`` (``EventoAceptable``)."""

    id_campana: str


@dataclass(eq=False)
class CampanaNoActiva(
    EventoNoAceptable, template="la campana {id_campana} no acepta eventos: {estado}"
):
    """The campaign's tracking is disabled, finished or was cancelled (-> 409)."""

    estado: str


@dataclass(eq=False)
class CodigoDesconocido(
    EventoNoAceptable,
    template="codigo de tracking desconocido en la campana {id_campana}: {codigo}",
):
    """The tracking code is not one of this campaign's (-> 422)."""

    codigo: str


class CodigoRepetido(ErrorDominio):
    """The random source keeps producing codes already used (a broken source)."""


@dataclass(eq=False)
class ValorFueraDeRango(
    ErrorDominio,
    template="valor de conversion fuera de rango: {valor} (debe ser un numero finito entre 0 "
    "y {maximo})",
):
    """A conversion's value is not a purchase tracking counts: negative, not finite, or larger
    than any purchase (-> 422)."""

    valor: object
    maximo: object
