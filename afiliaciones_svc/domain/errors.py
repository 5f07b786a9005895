"""Typed domain errors. Each carries its data and a message fit for the API's ``detail``.

``ErrorValidacion``: the request is invalid (HTTP 422); nothing was stored, no saga started.
``TransicionInvalida``: the campaign is not in a state that allows the action (HTTP 409); it
carries ``estado_actual`` so the answer can show it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from afiliaciones_svc.domain.values import EstadoCampana


class ErrorDominio(Exception):
    """Base of every error the domain raises on purpose."""

    @property
    def mensaje(self) -> str:
        return str(self)


class ErrorValidacion(ErrorDominio):
    """The data of a request breaks a rule (HTTP 422)."""


class PresupuestoNoPositivo(ErrorValidacion):
    def __init__(self, presupuesto: Decimal) -> None:
        super().__init__(f"El presupuesto debe ser mayor que cero; se recibió {presupuesto}.")
        self.presupuesto = presupuesto


class FechasInvalidas(ErrorValidacion):
    def __init__(self, fecha_inicio: datetime, fecha_fin: datetime) -> None:
        super().__init__(
            f"fecha_fin ({fecha_fin.isoformat()}) debe ser posterior a "
            f"fecha_inicio ({fecha_inicio.isoformat()})."
        )
        self.fecha_inicio = fecha_inicio
        self.fecha_fin = fecha_fin


class TipoInvalido(ErrorValidacion):
    def __init__(self, tipo: str, validos: Sequence[str]) -> None:
        super().__init__(f"Tipo de campaña desconocido {tipo!r}; válidos: {', '.join(validos)}.")
        self.tipo = tipo


class TextoInvalido(ErrorValidacion):
    def __init__(self, campo: str, minimo: int, maximo: int) -> None:
        super().__init__(f"{campo} debe tener entre {minimo} y {maximo} caracteres.")
        self.campo = campo


class DemasiadosInfluencers(ErrorValidacion):
    def __init__(self, cantidad: int, maximo: int) -> None:
        super().__init__(f"Una campaña admite hasta {maximo} influencers; se pidieron {cantidad}.")
        self.cantidad = cantidad
        self.maximo = maximo


class SeguidoresNegativos(ErrorValidacion):
    def __init__(self, nombre: str, seguidores: int) -> None:
        super().__init__(
            f"seguidores de {nombre!r} no puede ser negativo; se recibió {seguidores}."
        )
        self.nombre = nombre
        self.seguidores = seguidores


class InfluencerDuplicado(ErrorValidacion):
    def __init__(self, nombre: str, plataforma: str) -> None:
        super().__init__(f"El influencer {nombre!r} en {plataforma!r} aparece más de una vez.")
        self.nombre = nombre
        self.plataforma = plataforma


class FueraDeRango(ErrorValidacion):
    """A value outside what the platform supports (dates, amounts, counts)."""

    def __init__(self, campo: str, valor: object, minimo: object, maximo: object) -> None:
        super().__init__(
            f"{campo} debe estar entre {_texto(minimo)} y {_texto(maximo)}; "
            f"se recibió {_texto(valor)}."
        )
        self.campo = campo
        self.valor = valor


def _texto(valor: object) -> str:
    return valor.isoformat() if isinstance(valor, datetime) else str(valor)


class TransicionInvalida(ErrorDominio):
    """The action is not allowed in the campaign's current state (HTTP 409)."""

    def __init__(self, accion: str, estado_actual: EstadoCampana) -> None:
        super().__init__(f"No se puede {accion} una campaña en estado {estado_actual.value}.")
        self.accion = accion
        self.estado_actual = estado_actual
