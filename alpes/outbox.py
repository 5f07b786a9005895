"""The outbox relay: publishes committed outbox rows to Pulsar, in order, then deletes them.

One relay per service database is active at a time (a PostgreSQL advisory lock elects
it), so a campaign's events leave in the order they were committed even with many
replicas; the others wait to take over. Rows are published in id order, pipelined on
one producer per topic (Pulsar keeps a producer's order), and only the prefix of a
batch that the broker confirmed is deleted: a failure re-sends the rest, never skips it.
At-least-once: a crash between publishing and deleting re-sends rows, and every
consumer's inbox drops the duplicates.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import zlib
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select, text

if TYPE_CHECKING:
    from faststream_pulsar import PulsarBroker

    from .db import Database

logger = logging.getLogger("alpes.outbox")


class OutboxRelay:
    def __init__(
        self,
        db: Database,
        broker: PulsarBroker,
        *,
        name: str,
        batch_size: int = 500,
        poll_interval: float = 0.25,
    ) -> None:
        self._db = db
        self._broker = broker
        self._lock_key = zlib.crc32(f"alpes-outbox-{name}".encode())
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self.published = 0

    async def run(self) -> None:
        """Run until cancelled: become the leader, then relay; retry on any failure."""
        while True:
            try:
                await self._lead()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("outbox relay failed; retrying")
                await asyncio.sleep(1)

    async def _lead(self) -> None:
        async with self._db.engine.connect() as lock_conn:
            while not await self._try_lock(lock_conn):
                await self._wait()
            logger.info("outbox relay is the leader")
            try:
                while True:
                    if not await self.relay_once():
                        await self._wait()
            finally:
                with contextlib.suppress(Exception):
                    await lock_conn.execute(
                        text("SELECT pg_advisory_unlock(:k)"), {"k": self._lock_key}
                    )

    async def _try_lock(self, conn: Any) -> bool:
        result = await conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self._lock_key})
        await conn.commit()
        return bool(result.scalar())

    async def _wait(self) -> None:
        """Until a commit wrote the outbox (in this process) or the poll interval passed."""
        event = self._db.outbox_written
        waiter = asyncio.ensure_future(event.wait())
        try:
            await asyncio.wait({waiter}, timeout=self._poll_interval)
        finally:
            waiter.cancel()
        event.clear()

    async def relay_once(self) -> int:
        """Publish one batch; returns how many rows left the outbox."""
        outbox = self._db.outbox
        async with self._db.sessions() as session:
            rows = (
                await session.execute(select(outbox).order_by(outbox.c.id).limit(self._batch_size))
            ).all()
        if not rows:
            return 0
        sends = [asyncio.ensure_future(self._send(row)) for row in rows]
        results = await asyncio.gather(*sends, return_exceptions=True)
        done: list[int] = []
        for row, result in zip(rows, results, strict=True):
            if isinstance(result, BaseException):
                logger.warning("publishing outbox row %s failed: %r; will retry", row.id, result)
                break
            done.append(row.id)
        if done:
            async with self._db.sessions() as session, session.begin():
                await session.execute(delete(outbox).where(outbox.c.id.in_(done)))
            self.published += len(done)
        if len(done) < len(rows):
            await asyncio.sleep(0.5)  # the broker refused: back off before re-sending
        return len(done)

    async def _send(self, row: Any) -> None:
        props = dict(row.propiedades)
        await self._broker.publish(
            row.payload,
            row.topic,
            key=row.clave,
            headers=props,
            message_id=row.id_evento,
            correlation_id=props.get("id_correlacion"),
        )
