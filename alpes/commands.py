"""What the services' commands share: most of them ask something about one campaign, and many
say why.

A command is plain, frozen data. One that adds no field to these is a plain subclass (it stays
the dataclass its base is: ``ConsumirPresupuesto("c-1")``); one that adds fields is a dataclass
itself, its fields after the base's.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CampanaCommand:
    """A command about one campaign."""

    id_campana: str


@dataclass(frozen=True)
class CampanaMotivoCommand(CampanaCommand):
    """A command about one campaign, with its reason."""

    motivo: str


@dataclass(frozen=True)
class RechazarPorFalloTecnico(CampanaCommand):
    """A participant's step for the campaign failed on every attempt: reject it, technically,
    so the saga compensates instead of waiting (docs/saga.md)."""

    id_marca: str
    motivo: str
