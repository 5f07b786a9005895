"""Typed domain errors. Each carries its data and a message fit for the API's ``detail``.

``ErrorValidacion``: the request is invalid (HTTP 422); nothing was stored, no saga started.
``TransicionInvalida``: the campaign is not in a state that allows the action (HTTP 409); it
carries ``estado_actual`` so the answer can show it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from afiliaciones_svc.domain.values import EstadoCampana, TipoCampana
from alpes.seedwork import DomainError


class ErrorDominio(DomainError):
    """Base of every error the domain raises on purpose."""

    @property
    def mensaje(self) -> str:
        return str(self)


class ErrorValidacion(ErrorDominio):
    """The data of a request breaks a rule (HTTP 422)."""


@dataclass(eq=False)
class PresupuestoNoPositivo(
    ErrorValidacion, template="El presupuesto debe ser mayor que cero; se recibió {presupuesto}."
):
    presupuesto: Decimal


@dataclass(eq=False)
class FechasInvalidas(
    ErrorValidacion,
    template="fecha_fin ({fecha_fin}) debe ser posterior a fecha_inicio ({fecha_inicio}).",
):
    fecha_inicio: datetime
    fecha_fin: datetime


@dataclass(eq=False)
class TipoInvalido(
    ErrorValidacion,
    template="Tipo de campaña desconocido {tipo!r}; válidos: " + ", ".join(TipoCampana) + ".",
):
    tipo: str


@dataclass(eq=False)
class TextoInvalido(
    ErrorValidacion, template="{campo} debe tener entre {minimo} y {maximo} caracteres."
):
    campo: str
    minimo: int
    maximo: int


@dataclass(eq=False)
class DemasiadosInfluencers(
    ErrorValidacion,
    template="Una campaña admite hasta {maximo} influencers; se pidieron {cantidad}.",
):
    cantidad: int
    maximo: int


@dataclass(eq=False)
class SeguidoresNegativos(
    ErrorValidacion,
    template="seguidores de {nombre!r} no puede ser negativo; se recibió {seguidores}.",
):
    nombre: str
    seguidores: int


@dataclass(eq=False)
class InfluencerDuplicado(
    ErrorValidacion, template="El influencer {nombre!r} en {plataforma!r} aparece más de una vez."
):
    nombre: str
    plataforma: str


@dataclass(eq=False)
class FueraDeRango(
    ErrorValidacion, template="{campo} debe estar entre {minimo} y {maximo}; se recibió {valor}."
):
    """A value outside what the platform supports (dates, amounts, counts)."""

    campo: str
    valor: object
    minimo: object
    maximo: object


@dataclass(eq=False)
class TransicionInvalida(
    ErrorDominio, template="No se puede {accion} una campaña en estado {estado_actual.value}."
):
    """The action is not allowed in the campaign's current state (HTTP 409)."""

    accion: str
    estado_actual: EstadoCampana
