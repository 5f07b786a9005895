"""The limits of a ``CampanaCreada``: what every participant of the saga can store and accepts.

afiliaciones refuses a request outside them with 422 before any saga starts; marca, influencer
and tracking store at least this much (their columns) and refuse nothing inside them (their
domain checks), so a saga never starts with data a participant would refuse and can only end at
its deadline. ``tests/unit/contracts/test_limites.py`` pins every participant's copy (a pure
domain cannot import ``contracts``) and every column to these values.

Lengths count characters (code points) after stripping surrounding spaces, as the participants
check them; the HTTP models apply them to the raw text, which is at least as strict.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final

LARGO_ID_MARCA: Final = 64
"""``marca.id_marca``: tracking stores it in ``VARCHAR(64)`` (a UUID is 36)."""

LARGO_NOMBRE: Final = 200
"""The campaign's ``nombre``, ``marca.nombre_marca`` and an influencer's ``nombre``:
influencer stores its ``nombre`` in ``VARCHAR(200)``, marca the brand's name in ``VARCHAR(200)``."""

LARGO_PLATAFORMA: Final = 100
"""An influencer's ``plataforma``: influencer stores it in ``VARCHAR(100)``."""

LARGO_CATEGORIA: Final = 100
"""An influencer's ``categoria`` (may be empty): influencer stores it in ``VARCHAR(100)``."""

LARGO_DESCRIPCION: Final = 2000
"""The campaign's ``descripcion`` (may be empty); only afiliaciones stores it (``TEXT``)."""

MAXIMO_INFLUENCERS: Final = 50
"""Influencers of one campaign; each becomes a row or code in influencer and tracking."""

SEGUIDORES_MAXIMO: Final = 2**63 - 1
"""``seguidores`` is 0 to this: an Avro ``long`` and influencer's ``BIGINT``."""

PRESUPUESTO_TOPE: Final = 1e15
"""``presupuesto`` is finite, above 0 and below this (exclusive): an Avro ``double`` on the wire,
``NUMERIC`` in afiliaciones and marca, which takes a brand's ``presupuesto_total`` below it too."""

FECHA_MINIMA: Final = datetime(1900, 1, 1, tzinfo=UTC)
FECHA_MAXIMA: Final = datetime(9999, 12, 30, 23, 59, 59, 999999, tzinfo=UTC)
"""``fecha_inicio`` and ``fecha_fin`` lie in [FECHA_MINIMA, FECHA_MAXIMA] once read in UTC (a
naive datetime is UTC). Avro ``timestamp-micros`` and PostgreSQL ``timestamptz`` hold far more;
Python's ``datetime`` (years 1 to 9999) does not, so the upper bound keeps a day of margin for
any UTC offset a reader may convert it to, and the lower one excludes nonsense dates."""


def fecha_soportada(instante: datetime) -> bool:
    """True when ``instante`` (naive = UTC) lies in [FECHA_MINIMA, FECHA_MAXIMA].

    Compares without converting, so an instant that has no UTC form in Python (year 1 at
    +05:00, year 9999 at -05:00) is answered, not an ``OverflowError``.
    """
    if instante.tzinfo is None or instante.utcoffset() is None:
        instante = instante.replace(tzinfo=UTC)
    return FECHA_MINIMA <= instante <= FECHA_MAXIMA
