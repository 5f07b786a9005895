"""What a user asks influencer to do over HTTP."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True, kw_only=True)
class RegistrarInfluencer:
    nombre: str
    plataforma: str
    seguidores: int
    categoria: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class CambiarActividad:
    """Only deactivation is a domain operation; asking for ``activo`` as it is changes nothing."""

    id_influencer: str
    activo: bool
