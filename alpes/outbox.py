"""The outbox relay: publishes committed outbox rows to Pulsar, in order, then deletes them.

One relay per service database is active at a time (a PostgreSQL advisory lock elects
it), so a campaign's events leave in the order they were committed even with many
replicas; the others wait to take over. Rows are published in id order, pipelined on
one producer per topic (Pulsar keeps a producer's order), and only the prefix of a
batch that the broker confirmed is deleted: a failure re-sends the rest, never skips it.
At-least-once: a crash between publishing and deleting re-sends rows, and every
consumer's inbox drops the duplicates.

Leadership is a session-level advisory lock held by one connection, the *lock connection*
(autocommit). Before each batch the leader proves on it that it still holds the lock; the
batch is read and its confirmed prefix deleted on that same connection, so a leader whose
lock connection died can neither start another batch nor delete what the new leader sends.
The leader ``LISTEN``s on ``alpes_outbox`` there too (migration 0002 notifies it when any
replica commits outbox rows), so a commit anywhere wakes it at once; a commit in this
process also wakes it through ``Database.outbox_written``, and the poll interval is only a
safety net. While it leads, it watches the outbox lag (rows pending, age of the oldest) and
logs a WARNING once each time the age passes ``outbox_lag_warning_seconds``.

With tracing on, a row's properties hold the trace context it was written in
(``traceparent``); its publish restores it, so the trace of a saga goes on through the outbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select, text

from . import telemetry
from .failures import FailurePolicy, one_line
from .migrations import OUTBOX_CHANNEL

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

    from faststream_pulsar import PulsarBroker

    from .db import Database

logger = logging.getLogger("alpes.outbox")

_LAG = text("SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)), 0) FROM outbox")

# A bigint advisory key k shows in pg_locks as classid = k >> 32, objid = k & 0xffffffff and
# objsubid = 1 (objsubid = 2 is the two-int4 form).
_HOLDS_LOCK = text(
    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'"
    " AND pid = pg_backend_pid() AND classid = CAST(:hi AS oid) AND objid = CAST(:lo AS oid)"
    " AND objsubid = 1 AND granted)"
)


class LeadershipLost(Exception):
    """The lock connection no longer holds the relay's advisory lock."""


@dataclass(frozen=True)
class OutboxLag:
    pendientes: int
    antiguedad_s: float

    def as_dict(self) -> dict[str, Any]:
        return {"pendientes": self.pendientes, "antiguedad_s": round(self.antiguedad_s, 3)}


class OutboxRelay:
    def __init__(
        self,
        db: Database,
        broker: PulsarBroker,
        *,
        name: str,
        batch_size: int = 500,
        poll_interval: float = 0.25,
        failures: FailurePolicy | None = None,
        lag_warning_seconds: float = 30.0,
        lag_check_interval: float | None = None,
        tracing: bool = False,
    ) -> None:
        self._db = db
        self._broker = broker
        self.lock_key = zlib.crc32(f"alpes-outbox-{name}".encode())
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        # a standby retries the election at least every second, whatever the poll interval
        self._election_interval = min(poll_interval, 1.0)
        self._failures = failures or FailurePolicy()
        self._lag_warning = lag_warning_seconds
        self._lag_check_interval = lag_check_interval or max(1.0, min(5.0, lag_warning_seconds / 5))
        self._wake = asyncio.Event()
        self._tracing = tracing
        self._attempt = 0
        self._lagging = False
        self.is_leader = False
        self.published = 0

    # --- running ------------------------------------------------------------------------

    async def run(self) -> None:
        """Run until cancelled: become the leader, then relay. A failure (the database or
        the lock connection gone, leadership lost) is one WARNING line, then an election
        again after a capped, jittered exponential backoff."""
        while True:
            try:
                await self._lead()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._attempt += 1
                wait = self._failures.backoff(self._attempt)
                logger.warning(
                    "outbox relay: %s (attempt %d); electing again in %.1f s",
                    one_line(exc),
                    self._attempt,
                    wait,
                )
                await asyncio.sleep(wait)

    async def _lead(self) -> None:
        async with self._db.engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            while not await self._try_lock(conn):
                self._attempt = 0  # the database answers: a standby is not failing
                await asyncio.sleep(self._election_interval)
            driver = (await conn.get_raw_connection()).driver_connection
            assert driver is not None

            def wake(*_: object) -> None:
                self._wake.set()

            try:
                await driver.add_listener(OUTBOX_CHANNEL, wake)
                driver.add_termination_listener(wake)
                self.is_leader = True
                logger.info("outbox relay is the leader")
                watcher = asyncio.create_task(self._watch_lag(), name="outbox-lag")
                try:
                    await self._relay_while_leader(conn)
                finally:
                    watcher.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await watcher
            finally:
                self.is_leader = False
                driver.remove_termination_listener(wake)
                if driver.is_closed():  # never hand a dead connection back to the pool
                    with contextlib.suppress(Exception):
                        await conn.invalidate()
                else:
                    with contextlib.suppress(Exception):
                        await driver.remove_listener(OUTBOX_CHANNEL, wake)
                    with contextlib.suppress(Exception):
                        await conn.execute(
                            text("SELECT pg_advisory_unlock(:k)"), {"k": self.lock_key}
                        )

    async def _relay_while_leader(self, conn: AsyncConnection) -> None:
        while True:
            # cleared before reading, so a commit from now on wakes the wait below
            self._wake.clear()
            self._db.outbox_written.clear()
            await self._prove_leadership(conn)
            sent, error = await self._relay_batch(conn)
            if error is not None:
                self._attempt += 1
                wait = self._failures.backoff(self._attempt)
                logger.warning(
                    "outbox relay: publishing failed after %d rows: %s (attempt %d); "
                    "retrying in %.1f s",
                    sent,
                    one_line(error),
                    self._attempt,
                    wait,
                )
                await asyncio.sleep(wait)
                continue
            self._attempt = 0
            if not sent:
                await self._wait()

    async def _try_lock(self, conn: AsyncConnection) -> bool:
        result = await conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.lock_key})
        return bool(result.scalar())

    async def _prove_leadership(self, conn: AsyncConnection) -> None:
        """Raise :class:`LeadershipLost` unless ``conn`` still holds the lock (a dead
        connection raises its own error)."""
        held = await conn.execute(
            _HOLDS_LOCK, {"hi": self.lock_key >> 32, "lo": self.lock_key & 0xFFFFFFFF}
        )
        if not held.scalar():
            raise LeadershipLost("the outbox relay lost its advisory lock")

    async def _wait(self) -> None:
        """Until a commit wrote the outbox (any replica: NOTIFY; this process: the event),
        the lock connection closed, or the poll interval passed."""
        waiters = {
            asyncio.ensure_future(self._wake.wait()),
            asyncio.ensure_future(self._db.outbox_written.wait()),
        }
        try:
            await asyncio.wait(waiters, timeout=self._poll_interval, return_when="FIRST_COMPLETED")
        finally:
            for waiter in waiters:
                waiter.cancel()

    # --- one batch ----------------------------------------------------------------------

    async def _relay_batch(self, conn: AsyncConnection) -> tuple[int, BaseException | None]:
        """Publish one batch; returns how many rows left the outbox and the first failure."""
        outbox = self._db.outbox
        rows = (
            await conn.execute(select(outbox).order_by(outbox.c.id).limit(self._batch_size))
        ).all()
        if not rows:
            return 0, None
        sends = [asyncio.ensure_future(self._send(row)) for row in rows]
        results = await asyncio.gather(*sends, return_exceptions=True)
        done: list[int] = []
        error: BaseException | None = None
        for row, result in zip(rows, results, strict=True):
            if isinstance(result, BaseException):
                error = result
                break
            done.append(row.id)
        if done:
            await conn.execute(delete(outbox).where(outbox.c.id.in_(done)))
            self.published += len(done)
        return len(done), error

    async def _send(self, row: Any) -> None:
        props = dict(row.properties)
        if not self._tracing:
            await self._publish(row, props)
            return
        # the publish is a child of the span that wrote the row (docs/adr/0013), not a new
        # trace; the telemetry middleware writes the publish span's own context in its place
        with telemetry.restored(props):
            await self._publish(row, props)

    async def _publish(self, row: Any, props: dict[str, Any]) -> None:
        await self._broker.publish(
            row.payload,
            row.topic,
            key=row.key,
            headers=props,
            message_id=row.event_id,
            correlation_id=props.get("id_correlacion"),
        )

    # --- lag ----------------------------------------------------------------------------

    async def lag(self) -> OutboxLag:
        """Rows waiting in the outbox and the age of the oldest, in seconds (any replica)."""
        # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation
        async with asyncio.timeout(2), self._db.engine.connect() as conn:
            count, age = (await conn.execute(_LAG)).one()
        return OutboxLag(pendientes=int(count), antiguedad_s=float(age))

    async def lag_report(self) -> dict[str, Any]:
        """``/ready``'s ``outbox`` detail."""
        return (await self.lag()).as_dict()

    async def _watch_lag(self) -> None:
        """While leading: log a WARNING each time the oldest row's age passes the threshold
        (once per crossing) and an INFO line when it is back under it."""
        next_check = 0.0
        while True:
            await asyncio.sleep(max(0.0, next_check - time.monotonic()))
            next_check = time.monotonic() + self._lag_check_interval
            try:
                lag = await self.lag()
            except Exception as exc:  # the relay's own loop reports the database's failures
                logger.debug("outbox lag unknown: %s", one_line(exc))
                continue
            if lag.antiguedad_s > self._lag_warning and not self._lagging:
                self._lagging = True
                logger.warning(
                    "outbox lag: %d rows pending, the oldest %.1f s old (over %.0f s)",
                    lag.pendientes,
                    lag.antiguedad_s,
                    self._lag_warning,
                )
            elif lag.antiguedad_s <= self._lag_warning and self._lagging:
                self._lagging = False
                logger.info(
                    "outbox lag back under %.0f s (%d rows pending)",
                    self._lag_warning,
                    lag.pendientes,
                )
