"""Errors of the application layer (the domain's own are in ``domain.errors``)."""

from __future__ import annotations


class CampanaNoEncontrada(Exception):
    """Tracking knows no campaign with this id (HTTP 404)."""

    def __init__(self, id_campana: str) -> None:
        super().__init__(f"No existe la campaña {id_campana} en tracking.")
        self.id_campana = id_campana


class EventoRechazado(Exception):
    """The event at ``indice`` of a batch was refused for ``causa``; nothing was stored."""

    def __init__(self, indice: int, causa: Exception) -> None:
        super().__init__(f"eventos[{indice}]: {causa}")
        self.indice = indice
        self.causa = causa
