"""Token buckets: how many requests (or events) a client may send, at a sustained ``rate`` per
second with bursts of up to ``burst``.

A bucket holds up to ``burst`` tokens and refills at ``rate`` tokens a second. Taking ``n``
tokens succeeds while the bucket holds at least ``min(n, burst)``: so a request larger than the
burst (a bulk of many events) still passes once the bucket is full, and leaves it in debt,
repaid at ``rate`` before the next one passes. A refusal says how long to wait
(``Retry-After``).

The buckets live in the process: each replica of a service limits on its own, so a client
spread over N replicas by the load balancer gets up to N times the rate. That bounds what one
client can take of one replica (the point: nobody starves the others), not of the platform; a
platform-wide quota needs a shared store (Redis, the gateway) and is left to the deployment.

:class:`RateLimiter` keeps one bucket per key (an ingest key, a token's subject, a client
address) in a bounded LRU map: a bucket not used for a while is full again, so forgetting it
changes nothing; past ``max_keys`` the least recently used bucket is forgotten first (at worst
that client gets a fresh burst).
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

Clock = Callable[[], float]
"""Seconds, monotonic (``time.monotonic``; a fake in tests)."""


@dataclass
class TokenBucket:
    """``burst`` tokens at most, refilled at ``rate`` tokens a second."""

    rate: float
    burst: float
    tokens: float = field(default=-1.0)
    updated: float = 0.0

    def __post_init__(self) -> None:
        if self.rate <= 0 or self.burst <= 0:
            raise ValueError("a token bucket needs a positive rate and burst")
        if self.tokens < 0:
            self.tokens = self.burst

    def take(self, n: float, now: float) -> float:
        """Take ``n`` tokens at ``now``: 0 if they were taken, else the seconds to wait before
        asking again (nothing is taken then)."""
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        needed = min(n, self.burst)
        if self.tokens >= needed:
            self.tokens -= n  # may go below 0: a request larger than the burst leaves a debt
            return 0.0
        return (needed - self.tokens) / self.rate


@dataclass
class RateLimiter:
    """One :class:`TokenBucket` per key, all with the same ``rate`` and ``burst``."""

    rate: float
    burst: float
    max_keys: int = 100_000
    clock: Clock = time.monotonic
    _buckets: OrderedDict[str, TokenBucket] = field(default_factory=OrderedDict, repr=False)

    def __post_init__(self) -> None:
        TokenBucket(self.rate, self.burst)  # the same checks, once

    def take(self, key: str, n: float = 1) -> int:
        """Take ``n`` tokens from ``key``'s bucket: 0 when allowed, else the whole seconds to
        wait (at least 1, the value of a ``Retry-After`` header)."""
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = TokenBucket(self.rate, self.burst, updated=now)
            if len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)  # the least recently used
        else:
            self._buckets.move_to_end(key)
        wait = bucket.take(n, now)
        return 0 if wait == 0 else max(1, math.ceil(wait))

    def __len__(self) -> int:
        return len(self._buckets)
