"""Errors of the application layer (the domain's own are in ``domain.errors``)."""

from __future__ import annotations

from alpes.seedwork import NotFound


class NoEncontrada(NotFound):
    """Base of what afiliaciones does not have (HTTP 404)."""


class CampanaNoEncontrada(NoEncontrada, template="No existe la campaña {id}."):
    """No campaign has this id."""


class SagaNoEncontrada(NoEncontrada, template="No existe la saga {id}."):
    """No campaign's saga has this id."""
