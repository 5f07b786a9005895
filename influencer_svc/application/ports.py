"""What influencer's use cases need from the outside world, as protocols: the adapters implement
them on PostgreSQL (``adapters.unit_of_work``), the unit tests with dictionaries.

What a repository stores it hands to the unit of work, which publishes the aggregate's pending
domain events when the work commits. Locks follow one order in every use case: the campaign's
assignment first, then its influencers (in id order), so no two transactions wait in a cycle.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from alpes.ports import Pasos
from influencer_svc.domain import (
    AsignacionCampana,
    CarteraInfluencers,
    Influencer,
    InfluencerSolicitado,
)

Asignaciones = Pasos[AsignacionCampana]
"""The campaigns' assignments (a tombstone for a cancellation that came first)."""


class Influencers(Protocol):
    """The influencers of one unit of work; it remembers what it loaded, to save the changes."""

    async def add(self, influencer: Influencer) -> bool:
        """Store a new influencer; False (nothing stored) when its (nombre, plataforma) exists."""

    async def get(self, id_influencer: str) -> Influencer | None:
        """One influencer, locked until the work ends; None if unknown."""

    async def cartera(self, ids: Sequence[str]) -> CarteraInfluencers:
        """The influencers of ``ids``, locked in id order."""

    async def cartera_para(self, solicitados: Sequence[InfluencerSolicitado]) -> CarteraInfluencers:
        """Every requested influencer, the unknown ones registered first, all locked in id order."""

    async def save(self, nuevos: Iterable[Influencer] = ()) -> None:
        """Store every influencer this work loaded that changed, and insert ``nuevos``."""


class InfluencerUnitOfWork(Protocol):
    """One transaction over influencer's aggregates."""

    @property
    def influencers(self) -> Influencers: ...
    @property
    def asignaciones(self) -> Asignaciones: ...
