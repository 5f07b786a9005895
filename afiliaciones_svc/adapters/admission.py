"""Admission control for the requests that start a saga (docs/adr/0010-saga-admission-control.md).

Offered more than it can confirm, the platform would accept every campaign and cancel most of
them at their deadline: a congestion collapse. Instead a saga is refused at the door (429 with
``Retry-After``) while the **backlog**, the sagas in flight (``en_progreso`` or
``compensando``), is at its limit. The limit is the smaller of

- ``saga_backlog_limit`` (about the sustainable rate times an acceptable wait), and
- what can finish within half the saga's deadline at the rate sagas have been leaving the
  backlog while it was busy, over the last half deadline (the **capacity**): a campaign
  admitted now is not cancelled for lack of time even when the platform has slowed down.

Compensations still unanswered past the grace period (``atascadas``, the sweeper's: a
participant is away) are not counted: they wait, they do not load the platform.

The backlog is counted in the database, so the limit holds across replicas: one indexed count
(``ix_campanas_estado_saga``) at most every ``saga_backlog_refresh_seconds``, the admissions of
this process added in between. The same query counts the sagas created since the last count,
which gives how many left the backlog: ``left = created - (backlog_now - backlog_before)``.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from afiliaciones_svc.adapters.orm import campanas
from afiliaciones_svc.domain.saga import EstadoSaga
from alpes.failures import one_line

logger = logging.getLogger(__name__)

EN_VUELO = (EstadoSaga.EN_PROGRESO.value, EstadoSaga.COMPENSANDO.value)
"""The saga states of the backlog: created and not yet confirmed or compensated."""

DEADLINE_SHARE = 0.5
"""Admit only what the observed capacity finishes within this share of the saga's deadline."""

MAXIMUM_WAIT = 0.02
"""How long a request waits for a fresh count before it is decided on the last one."""

MINIMUM_BUSY_SECONDS = 1.0
"""How much busy time the window needs before its rate is trusted as the capacity."""


@dataclass(frozen=True)
class Refusal:
    """Why a saga was not admitted, and when to try again."""

    backlog: int
    limit: int
    retry_after: int
    """Whole seconds, at least 1: the time the backlog takes to drain below the limit at the
    observed capacity."""

    @property
    def detail(self) -> str:
        return (
            f"too many campaigns in progress ({self.backlog} sagas in flight, limit "
            f"{self.limit}): nothing was created; retry after {self.retry_after} s"
        )


async def count_backlog(
    session: AsyncSession, created_after: datetime, abandoned_before: datetime
) -> tuple[int, int]:
    """The sagas in flight, and the campaigns created after ``created_after``: two indexed
    counts in one round trip. A compensation cancelled before ``abandoned_before`` is the
    sweeper's (``atascada``: a participant is away), not work in flight."""
    c = campanas.c
    en_vuelo = (
        select(func.count())
        .select_from(campanas)
        .where(
            c.estado_saga.in_(EN_VUELO),
            or_(
                c.estado_saga == EstadoSaga.EN_PROGRESO.value,
                func.coalesce(c.cancelada_en, c.fecha_creacion) > abandoned_before,
            ),
        )
        .scalar_subquery()
    )
    creadas = (
        select(func.count()).select_from(campanas).where(c.fecha_creacion > created_after)
    ).scalar_subquery()
    row = (await session.execute(select(en_vuelo, creadas))).one()
    return int(row[0]), int(row[1])


BacklogCounter = Callable[[datetime, datetime], Awaitable[tuple[int, int]]]
"""``count_backlog`` on a session of its own."""


def counter(sessions: async_sessionmaker[AsyncSession]) -> BacklogCounter:
    async def count(created_after: datetime, abandoned_before: datetime) -> tuple[int, int]:
        async with sessions() as session:
            return await count_backlog(session, created_after, abandoned_before)

    return count


class SagaAdmission:
    """Decides whether one more saga may start (:meth:`admit`); one per process."""

    def __init__(
        self,
        count: BacklogCounter,
        *,
        limit: int,
        deadline_seconds: float,
        grace_seconds: float,
        refresh_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._count_backlog = count
        self._limit = limit
        self._horizon = deadline_seconds * DEADLINE_SHARE
        self._grace = timedelta(seconds=grace_seconds)
        self._refresh = refresh_seconds
        self._clock = clock
        self._wait = None if refresh_seconds == 0 else min(refresh_seconds, MAXIMUM_WAIT)
        self._counting: asyncio.Task[None] | None = None
        self._counted_at: float | None = None
        self._created_after = datetime.now(UTC)
        self._backlog = 0
        """As last counted in the database."""
        self._admitted = 0
        """Admitted by this process since that count."""
        self._longest = max(1.0, 4 * refresh_seconds)
        self._busy: deque[tuple[float, float, int]] = deque()
        """The busy intervals of the window: (ended at, seconds, sagas that left)."""
        self.capacity: float | None = None
        """Sagas per second leaving the backlog while it was busy, over the last half
        deadline; None until it was busy long enough to tell."""

    @property
    def limit(self) -> int:
        """The backlog limit now: the setting, or less when the observed capacity could not
        finish that many within the deadline's share (never below 1: an empty backlog always
        admits)."""
        if self.capacity is None:
            return self._limit
        return max(1, min(self._limit, int(self.capacity * self._horizon)))

    async def admit(self) -> Refusal | None:
        """None, counting the saga as admitted; or why not."""
        await self._count_if_stale()
        backlog = self._backlog + self._admitted
        limit = self.limit
        if backlog < limit:
            self._admitted += 1
            return None
        return Refusal(backlog, limit, self._retry_after(backlog - limit + 1))

    def _retry_after(self, excess: int) -> int:
        if not self.capacity:
            return 1
        return max(1, min(math.ceil(self._horizon), math.ceil(excess / self.capacity)))

    async def _count_if_stale(self) -> None:
        """Start a count when the last is stale (one at a time) and wait for it briefly: when
        the database is slow to answer (its pool busy with the sagas, say), the decision is
        taken on the stale count plus every admission since, which only overestimates."""
        if not self._stale():
            return
        if self._counting is None:
            self._counting = asyncio.create_task(self._count())
            self._counting.add_done_callback(self._counted)
        counting = self._counting
        if self._counted_at is None or self._wait is None:
            await asyncio.shield(counting)
        else:
            await asyncio.wait({counting}, timeout=self._wait)

    def _counted(self, task: asyncio.Task[None]) -> None:
        self._counting = None
        if not task.cancelled() and (error := task.exception()) is not None:
            logger.warning("saga backlog not counted: %s", one_line(error))

    def _stale(self) -> bool:
        return self._counted_at is None or self._clock() - self._counted_at >= self._refresh

    async def _count(self) -> None:
        now, created_after = self._clock(), datetime.now(UTC)
        admitted = self._admitted
        backlog, created = await self._count_backlog(
            self._created_after, created_after - self._grace
        )
        if self._counted_at is not None and now > self._counted_at:
            self._observe(backlog, created, now - self._counted_at, now)
        # what was admitted while the count ran may not be in it yet
        self._backlog, self._admitted = backlog, self._admitted - admitted
        self._counted_at, self._created_after = now, created_after

    def _observe(self, backlog: int, created: int, seconds: float, now: float) -> None:
        """Measure the capacity over the busy intervals of the last half deadline: those that
        began with more in flight than left during them, ended with some still in flight,
        and saw some leave. The platform had sagas queued throughout and was finishing them:
        their rate is what it can do. A light load measures none (the setting alone limits);
        neither does a stall, nothing leaving at all (a broker or a database away: a fault,
        whose sagas the outbox and the retries carry on once it is over, ADR 6 and 7, so it
        is not a reason to refuse more than the setting). An interval much longer than the
        refresh period (the database did not answer) counts as a few refresh periods only:
        when in it the sagas left is not known."""
        left = max(0, created - (backlog - self._backlog))
        if self._backlog > left > 0 and backlog > 0:
            self._busy.append((now, min(seconds, self._longest), left))
        while self._busy and self._busy[0][0] < now - self._horizon:
            self._busy.popleft()
        busy = sum(s for _, s, _ in self._busy)
        if busy >= MINIMUM_BUSY_SECONDS:
            self.capacity = sum(n for _, _, n in self._busy) / busy
        elif not self._busy:
            self.capacity = None
