"""Typed domain errors. Each carries its data and a message fit for the API's ``detail``.

``ErrorValidacion``: the request is invalid (HTTP 422); nothing was stored, no saga started.
``FueraDeLimites``: one of them, a value outside its limits; its kinds share its data (the
field, the value, the limits) and differ in what they say.
``TransicionInvalida``: the campaign is not in a state that allows the action (HTTP 409); it
carries ``estado_actual`` so the answer can show it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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
class FueraDeLimites(ErrorValidacion):
    """A value of the request outside its limits: ``campo`` names it, ``valor`` is what came,
    ``minimo`` and ``maximo`` are the limits. Each kind says it in its own template."""

    campo: str
    valor: object
    minimo: object
    maximo: object


class FueraDeRango(
    FueraDeLimites, template="{campo} debe estar entre {minimo} y {maximo}; se recibió {valor}."
):
    """A value outside what the platform supports (dates, amounts, counts)."""


class PresupuestoNoPositivo(
    FueraDeLimites, template="El presupuesto debe ser mayor que cero; se recibió {valor}."
):
    """A budget of zero or less (or not a number)."""


class TextoInvalido(
    FueraDeLimites, template="{campo} debe tener entre {minimo} y {maximo} caracteres."
):
    """A text too short or too long (its length counted without surrounding spaces)."""


class DemasiadosInfluencers(
    FueraDeLimites,
    template="Una campaña admite hasta {maximo} influencers; se pidieron {valor}.",
):
    """More influencers than a campaign admits."""


class SeguidoresNegativos(
    FueraDeLimites, template="{campo} no puede ser negativo; se recibió {valor}."
):
    """An influencer's followers below zero."""


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
class InfluencerDuplicado(
    ErrorValidacion, template="El influencer {nombre!r} en {plataforma!r} aparece más de una vez."
):
    nombre: str
    plataforma: str


@dataclass(eq=False)
class TransicionInvalida(
    ErrorDominio, template="No se puede {accion} una campaña en estado {estado_actual.value}."
):
    """The action is not allowed in the campaign's current state (HTTP 409)."""

    accion: str
    estado_actual: EstadoCampana
