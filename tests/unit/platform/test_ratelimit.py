"""Token buckets (alpes.ratelimit): a burst, then the sustained rate; a refusal says how long to
wait; a request larger than the burst passes once the bucket is full, and leaves a debt."""

from __future__ import annotations

import pytest

from alpes.ratelimit import RateLimiter, TokenBucket


class Reloj:
    def __init__(self) -> None:
        self.ahora = 1000.0

    def __call__(self) -> float:
        return self.ahora


def test_a_burst_then_the_rate() -> None:
    reloj = Reloj()
    limiter = RateLimiter(rate=2, burst=4, clock=reloj)

    assert [limiter.take("k") for _ in range(5)] == [0, 0, 0, 0, 1]
    reloj.ahora += 0.5  # one token back
    assert [limiter.take("k") for _ in range(2)] == [0, 1]
    reloj.ahora += 10  # never more than the burst
    assert [limiter.take("k") for _ in range(5)] == [0, 0, 0, 0, 1]


def test_retry_after_is_whole_seconds_at_least_one() -> None:
    reloj = Reloj()
    limiter = RateLimiter(rate=0.1, burst=1, clock=reloj)

    assert limiter.take("k") == 0
    assert limiter.take("k") == 10
    reloj.ahora += 9.5
    assert limiter.take("k") == 1
    reloj.ahora += 0.5
    assert limiter.take("k") == 0
    fast = RateLimiter(rate=1000, burst=1, clock=reloj)
    assert (fast.take("k"), fast.take("k")) == (0, 1)  # 1 ms rounds up to 1 s


def test_each_key_has_its_own_bucket_and_a_refusal_takes_nothing() -> None:
    reloj = Reloj()
    limiter = RateLimiter(rate=1, burst=2, clock=reloj)

    assert [limiter.take("a", 2), limiter.take("b", 2)] == [0, 0]
    assert limiter.take("a", 2) == 2
    reloj.ahora += 1
    assert limiter.take("a", 1) == 0  # the refused 2 were not taken


def test_a_request_larger_than_the_burst_passes_when_full_and_leaves_a_debt() -> None:
    reloj = Reloj()
    limiter = RateLimiter(rate=10, burst=100, clock=reloj)

    assert limiter.take("k", 1000) == 0  # a bulk of 1,000 events
    assert limiter.take("k", 1) == 91  # 900 to repay, then 1 more, at 10 a second
    reloj.ahora += 100
    assert limiter.take("k", 1000) == 0


def test_the_least_recently_used_keys_are_forgotten_beyond_the_capacity() -> None:
    reloj = Reloj()
    limiter = RateLimiter(rate=1, burst=1, max_keys=2, clock=reloj)

    limiter.take("a")
    limiter.take("b")
    assert limiter.take("a") == 1  # "a" used last: "b" is the least recently used
    limiter.take("c")
    assert len(limiter) == 2
    assert limiter.take("a") == 1  # still remembered
    assert limiter.take("b") == 0  # forgotten: a fresh bucket


@pytest.mark.parametrize(("rate", "burst"), [(0, 1), (1, 0), (-1, 5)])
def test_rate_and_burst_must_be_positive(rate: float, burst: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        RateLimiter(rate, burst)
    with pytest.raises(ValueError, match="positive"):
        TokenBucket(rate, burst)
