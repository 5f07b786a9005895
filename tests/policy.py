"""What the policy matrices share (tests/integration/test_policy_matrix.py and
tests/integration/tracking/test_policy_matrix.py): the callers, in the order of the tables'
columns, their headers, and a route's expected status for each."""

from __future__ import annotations

from dataclasses import dataclass

from tests.auth import ADMIN, as_marca, as_tracker

MARCA_A = "marca-a"
"""The brand that owns the campaign the routes name."""
MARCA_B = "marca-b"
"""Another brand."""

ROLES = ("nadie", "admin", "marca_propia", "marca_ajena", "tracker")
"""Who calls, in the order of the tables' columns."""


def headers(rol: str, id_campana: str) -> dict[str, str]:
    """The credentials of caller ``rol``; the tracker's are for ``id_campana``."""
    return {
        "nadie": {},
        "admin": ADMIN,
        "marca_propia": as_marca(MARCA_A),
        "marca_ajena": as_marca(MARCA_B),
        "tracker": as_tracker(id_campana),
    }[rol]


@dataclass(frozen=True)
class Estados:
    """One route (as its OpenAPI names it) and the status each caller gets, in ``ROLES``'
    order: nobody, admin, brand A (owner), brand B, tracker."""

    metodo: str
    ruta: str
    nadie: int
    admin: int
    marca_propia: int
    marca_ajena: int
    tracker: int

    def esperado(self, rol: str) -> int:
        return int(getattr(self, rol))
