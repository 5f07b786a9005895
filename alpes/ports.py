"""What the services' use cases need alike from the outside world, as protocols (a service's
``application.ports`` names its own with these)."""

from __future__ import annotations

from typing import Protocol, TypeVar

Paso = TypeVar("Paso")


class Pasos(Protocol[Paso]):
    """What a participant of the campaign saga did for each campaign it heard of (its step):
    its reservation, its assignment, its tracking. A tombstone too, when a cancellation came
    before the campaign."""

    async def lock(self, id_campana: str) -> Paso | None:
        """The campaign's step, locked until the work ends even while there is none (a second
        event of the campaign waits for this work); None if there is none."""

    async def save(self, paso: Paso) -> None:
        """Store ``paso``: insert it if this work did not load it, update it if it changed
        since (``ConcurrencyConflict`` if the stored one changed meanwhile)."""
