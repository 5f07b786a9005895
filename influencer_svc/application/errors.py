"""Errors of the use cases (not of the domain); HTTP maps them to 4xx."""

from __future__ import annotations


class ErrorAplicacion(Exception):
    """Base of the use-case errors of influencer."""


class InfluencerNoEncontrado(ErrorAplicacion):
    def __init__(self, id_influencer: str) -> None:
        super().__init__(f"influencer no encontrado: {id_influencer}")


class InfluencerYaRegistrado(ErrorAplicacion):
    def __init__(self, nombre: str, plataforma: str) -> None:
        super().__init__(f"ya existe un influencer {nombre} en {plataforma}")


class ReactivacionNoSoportada(ErrorAplicacion):
    def __init__(self, id_influencer: str) -> None:
        super().__init__(f"un influencer desactivado no se reactiva: {id_influencer}")
