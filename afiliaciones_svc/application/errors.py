"""Errors of the application layer (the domain's own are in ``domain.errors``)."""

from __future__ import annotations


class NoEncontrada(Exception):
    """Base of "there is no such thing" (HTTP 404)."""


class CampanaNoEncontrada(NoEncontrada):
    def __init__(self, id_campana: str) -> None:
        super().__init__(f"No existe la campaña {id_campana}.")
        self.id_campana = id_campana


class SagaNoEncontrada(NoEncontrada):
    def __init__(self, id_saga: str) -> None:
        super().__init__(f"No existe la saga {id_saga}.")
        self.id_saga = id_saga
