"""Errors of the application layer (the domain's own are in ``domain.errors``)."""

from __future__ import annotations

from dataclasses import dataclass

from alpes.seedwork import DomainError, NotFound


class CampanaNoEncontrada(NotFound, template="No existe la campaña {id} en tracking."):
    """Tracking knows no campaign with this id (HTTP 404)."""


@dataclass(eq=False)
class EventoRechazado(DomainError, template="eventos[{indice}]: {causa}"):
    """The event at ``indice`` of a batch was refused for ``causa``; nothing was stored."""

    indice: int
    causa: Exception
