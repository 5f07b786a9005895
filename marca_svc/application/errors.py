"""Errors of the application layer (the domain's own are in ``domain.errors``)."""

from __future__ import annotations

from dataclasses import dataclass

from alpes.seedwork import DomainError, NotFound


class MarcaNoEncontrada(NotFound, template="No existe la marca {id}."):
    """There is no such brand (HTTP 404)."""


@dataclass(eq=False)
class MarcaYaExiste(DomainError, template="Ya existe la marca {id_marca}."):
    """A brand with that id is registered already (HTTP 409)."""

    id_marca: str
