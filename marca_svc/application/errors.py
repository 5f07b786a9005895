"""Errors of the application layer (the domain's own are in ``domain.errors``)."""

from __future__ import annotations


class MarcaNoEncontrada(Exception):
    """There is no such brand (HTTP 404)."""

    def __init__(self, id_marca: str) -> None:
        super().__init__(f"No existe la marca {id_marca}.")
        self.id_marca = id_marca


class MarcaYaExiste(Exception):
    """A brand with that id is registered already (HTTP 409)."""

    def __init__(self, id_marca: str) -> None:
        super().__init__(f"Ya existe la marca {id_marca}.")
        self.id_marca = id_marca
