"""Keyset paging for the read side: a list is read a page at a time from where the client's
last page ended (an opaque cursor), by an index, never by skipping ``OFFSET`` rows; and its
``total`` costs at most a bounded count.

A list declares its :class:`Keyset`: its name and its sort key, the columns (unique together,
none nullable) with their directions. A page is fetched with one row more than asked; when that
row exists, the answer carries ``siguiente``, the cursor of the page's last row, and the next
page is the rows after it in the sort order. Rows inserted meanwhile land before or after that
position: one before it is not seen on later pages, one after it is, and no row already seen is
seen again or skipped. A cursor is the list's name and the last row's key as JSON, in URL-safe
base64: it says where, never what to show (filters and ``limit`` are the request's own), and
one of another list, changed, or cut short is refused (a ``ValueError``: a 422 at the door).

``total`` (:func:`contar`) is exact up to :data:`EXACTO_HASTA` matching rows, counted with a
scan that stops there; past it, PostgreSQL's own estimate of the rows of the query (its
planner's, from the table's statistics), flagged ``total_exacto: false``. An estimate is kept
:data:`ESTIMACION_SEGUNDOS` in the process, by query: the pages of a long list asked meanwhile
(a client walking it, many clients reading it) cost one query each, not three.
"""

from __future__ import annotations

import base64
import binascii
import functools
import inspect
import json
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Query
from fastapi.exceptions import RequestValidationError
from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    DateTime,
    Integer,
    RowMapping,
    Select,
    String,
    Uuid,
    and_,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    tuple_,
)
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.ext.asyncio import AsyncSession

EXACTO_HASTA = 1000
"""Up to this many matching rows ``total`` is exact; past it, an estimate."""

ESTIMACION_SEGUNDOS = 1.0
"""How long an estimated total is answered again without asking the database."""

LARGO_CURSOR = 512
"""The longest cursor accepted (one of ours is a fraction of that)."""


Posicion = tuple[Any, ...]
"""A position in a list: the sort key of the row a page ended with."""


@dataclass(frozen=True)
class Keyset:
    """The sort key of one list: ``orden`` is its columns, each with ``True`` when it sorts
    descending. Together they must be unique and not null (end with the primary key)."""

    nombre: str
    orden: tuple[tuple[Column[Any], bool], ...]

    def order_by(self) -> list[ColumnElement[Any]]:
        return [c.desc() if desc else c.asc() for c, desc in self.orden]

    def despues(self, posicion: Sequence[Any]) -> ColumnElement[bool]:
        """The rows after ``posicion`` in this order, as a condition an index range serves."""
        columnas = [c for c, _ in self.orden]
        direcciones = {desc for _, desc in self.orden}
        if len(direcciones) == 1:  # a row comparison: one index range, both ways
            valores = tuple_(*(literal(v, c.type) for v, c in zip(posicion, columnas, strict=True)))
            fila = tuple_(*columnas)
            return fila < valores if direcciones == {True} else fila > valores
        # mixed directions: (a < x) or (a = x and (b > y or ...)), bounded by the first column
        # so the index range starts at the position instead of at the list's beginning
        primera, desc = self.orden[0]
        cota = primera <= posicion[0] if desc else primera >= posicion[0]
        return and_(cota, self._despues(0, posicion))

    def _despues(self, i: int, posicion: Sequence[Any]) -> ColumnElement[bool]:
        columna, desc = self.orden[i]
        pasada: ColumnElement[bool] = columna < posicion[i] if desc else columna > posicion[i]
        if i == len(self.orden) - 1:
            return pasada
        return or_(pasada, and_(columna == posicion[i], self._despues(i + 1, posicion)))

    def cursor(self, fila: Mapping[Any, Any]) -> str:
        """The cursor of the position right after ``fila`` (a row with the key's columns)."""
        clave = [_a_json(fila[c.key]) for c, _ in self.orden]
        crudo = json.dumps([self.nombre, *clave], separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(crudo).rstrip(b"=").decode()

    def posicion(self, cursor: str) -> Posicion:
        """The key a cursor of this list holds; a ``ValueError`` when it is not one."""
        try:
            crudo = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            valor = json.loads(crudo)
        except (binascii.Error, ValueError):
            raise ValueError("not a cursor: pass the 'siguiente' of a previous page") from None
        if (
            not isinstance(valor, list)
            or len(valor) != len(self.orden) + 1
            or valor[0] != self.nombre
        ):
            raise ValueError(f"not a cursor of this list ({self.nombre})")
        return tuple(_de_json(v, c) for v, (c, _) in zip(valor[1:], self.orden, strict=True))

    async def dependencia(self, cursor: Cursor = None) -> Posicion | None:
        """FastAPI dependency: the ``cursor`` query parameter of this list, as its key (a 422
        when it is not a cursor of this list). Async, like every dependency: FastAPI runs a
        plain function in its thread pool, a hop that costs more than a light request."""
        return self._pedida(cursor)

    def _pedida(self, cursor: str | None) -> Posicion | None:
        if cursor is None:
            return None
        try:
            return self.posicion(cursor)
        except ValueError as error:
            raise _invalido("cursor", str(error)) from None

    def pedido(self, *, limite: int = 50) -> Callable[..., Awaitable[PedidoDePagina]]:
        """FastAPI dependency: the page of this list a request asks for, from its ``limit``
        (default ``limite``), ``offset`` and ``cursor`` query parameters (422s: a limit out of
        1..500, a cursor that is not one of this list, a cursor with an offset)."""

        async def pedido(limit: int, offset: int, cursor: str | None) -> PedidoDePagina:
            despues = self._pedida(cursor)
            cursor_u_offset(despues, offset)
            return PedidoDePagina(limit=limit, offset=offset, despues=despues)

        parametro = functools.partial(inspect.Parameter, kind=inspect.Parameter.KEYWORD_ONLY)
        pedido.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [
                parametro("limit", default=limite, annotation=Limit),
                parametro("offset", default=0, annotation=Offset),
                parametro("cursor", default=None, annotation=Cursor),
            ],
            return_annotation=PedidoDePagina,
        )
        return pedido


@dataclass(frozen=True)
class PedidoDePagina:
    """The page a request asks for: ``limit`` rows after ``despues`` (a cursor's position)
    or, the slow way, after skipping ``offset`` rows."""

    limit: int
    offset: int
    despues: Posicion | None


Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=1_000_000_000)]
Cursor = Annotated[
    str | None,
    Query(
        max_length=LARGO_CURSOR,
        description="the 'siguiente' of the previous page, to get the page after it "
        "(keyset paging: the fast way through a long list; offset must then be 0)",
    ),
]


def cursor_u_offset(cursor: object, offset: int) -> None:
    """A request pages by a cursor or by an offset, not both (a 422)."""
    if cursor is not None and offset:
        raise _invalido("offset", "must be 0 with a cursor: the cursor says where the page starts")


def _invalido(parametro: str, mensaje: str) -> RequestValidationError:
    return RequestValidationError(
        [{"loc": ("query", parametro), "msg": mensaje, "type": "value_error"}]
    )


_CON_NOMBRES = PGDialect(paramstyle="named")  # type: ignore[no-untyped-call]
"""Compiles a query to SQL with ``:name`` parameters, to run it again inside ``EXPLAIN``."""


@dataclass(frozen=True)
class Total:
    n: int
    exacto: bool


@dataclass(frozen=True)
class Pagina:
    filas: Sequence[RowMapping]
    total: Total
    siguiente: str | None
    """The cursor of the next page; None on the last."""

    def resto(self) -> dict[str, Any]:
        """An answer's fields besides its items: ``total``, ``total_exacto``, ``siguiente``."""
        return {
            "total": self.total.n,
            "total_exacto": self.total.exacto,
            "siguiente": self.siguiente,
        }


async def leer_pagina(
    session: AsyncSession,
    keyset: Keyset,
    filas: Select[Any],
    pedido: PedidoDePagina,
) -> Pagina:
    """The page ``pedido`` of ``filas`` (a ``SELECT`` with the key's columns among its own)
    in ``keyset``'s order: after its cursor's position, or its ``offset`` rows in; and how many
    rows ``filas`` has in all (:func:`contar`)."""
    limit = pedido.limit
    pagina = filas.order_by(*keyset.order_by()).limit(limit + 1).offset(pedido.offset or None)
    if pedido.despues is not None:
        pagina = pagina.where(keyset.despues(pedido.despues))
    rows = (await session.execute(pagina)).mappings().all()
    siguiente = keyset.cursor(rows[limit - 1]) if len(rows) > limit else None
    return Pagina(rows[:limit], await contar(session, filas), siguiente)


async def contar(session: AsyncSession, filas: Select[Any]) -> Total:
    """How many rows ``filas`` (a ``SELECT ... FROM ... WHERE ...``) yields: exact up to
    :data:`EXACTO_HASTA`, counted by a scan that stops past it; else the planner's estimate
    (never below what the scan saw)."""
    todas: Select[Any] = filas.with_only_columns(
        literal_column("1"), maintain_column_froms=True
    ).order_by(None)
    forma = todas._generate_cache_key()  # what SQLAlchemy's own statement cache keys by
    clave = None
    if forma is not None:  # else a statement SQLAlchemy cannot key: no estimate is kept
        valores = tuple(repr(p.value) for p in forma.bindparams)
        clave = (str(session.get_bind().engine.url), forma.key, valores)
    ahora = time.monotonic()
    if clave is not None and (guardada := _estimaciones.get(clave)) and guardada[0] > ahora:
        return guardada[1]
    tope = todas.limit(EXACTO_HASTA + 1)
    n = int((await session.execute(select(func.count()).select_from(tope.subquery()))).scalar_one())
    if n <= EXACTO_HASTA:
        return Total(n, exacto=True)
    compilada = todas.compile(dialect=_CON_NOMBRES)
    plan = await session.execute(text(f"EXPLAIN (FORMAT JSON) {compilada}"), compilada.params)
    total = Total(max(int(plan.scalar_one()[0]["Plan"]["Plan Rows"]), n), exacto=False)
    if clave is not None:
        if len(_estimaciones) >= _ESTIMACIONES_MAXIMAS:
            _estimaciones.clear()
        _estimaciones[clave] = (ahora + ESTIMACION_SEGUNDOS, total)
    return total


_estimaciones: dict[tuple[Any, ...], tuple[float, Total]] = {}
"""Estimated totals by database, query and parameters, with when they expire."""
_ESTIMACIONES_MAXIMAS = 1024


# --- the key's values in JSON ---


def _a_json(valor: Any) -> Any:
    if isinstance(valor, datetime):
        return valor.isoformat()
    if isinstance(valor, uuid.UUID):
        return str(valor)
    return valor


def _de_json(valor: Any, columna: Any) -> Any:
    tipo = columna.type
    mal = ValueError(f"not a cursor of this list: a bad {columna.key}")
    if isinstance(tipo, DateTime):
        if not isinstance(valor, str):
            raise mal
        try:
            instante = datetime.fromisoformat(valor)
        except ValueError:
            raise mal from None
        if instante.tzinfo is None:
            raise mal
        return instante
    if isinstance(tipo, Uuid):
        try:
            return uuid.UUID(valor)
        except (TypeError, ValueError, AttributeError):
            raise mal from None
    if isinstance(tipo, Integer):  # BigInteger too
        bits = 63 if isinstance(tipo, BigInteger) else 31
        if type(valor) is not int or not -(2**bits) <= valor < 2**bits:
            raise mal
        return valor
    if isinstance(tipo, String):
        if not isinstance(valor, str) or "\x00" in valor:
            raise mal
        if tipo.length is not None and len(valor) > tipo.length:
            raise mal
        return valor
    raise TypeError(f"{columna.key}: no cursor for a {tipo!r} column")  # pragma: no cover
