"""Admission control's arithmetic (``afiliaciones_svc.adapters.admission``), with the database's
counts played by hand and a clock the test moves. The integration tests check it on PostgreSQL."""

from __future__ import annotations

from datetime import datetime

from afiliaciones_svc.adapters.admission import Refusal, SagaAdmission


class Platform:
    """What the database would count: the sagas in flight, and those created since a count."""

    def __init__(self) -> None:
        self.backlog = 0
        self.created = 0
        self.now = 0.0
        self.counts = 0

    async def count(self, created_after: datetime, abandoned_before: datetime) -> tuple[int, int]:
        self.counts += 1
        created, self.created = self.created, 0
        return self.backlog, created

    def run(self, seconds: float, *, created: int, left: int) -> None:
        self.now += seconds
        self.created += created
        self.backlog += created - left


def admission(platform: Platform, limit: int = 10, deadline: float = 30) -> SagaAdmission:
    return SagaAdmission(
        platform.count,
        limit=limit,
        deadline_seconds=deadline,
        grace_seconds=30,
        refresh_seconds=0.25,
        clock=lambda: platform.now,
    )


async def admitted(control: SagaAdmission, n: int) -> list[Refusal | None]:
    return [await control.admit() for _ in range(n)]


async def test_admits_up_to_the_limit_and_refuses_the_rest_between_counts() -> None:
    platform = Platform()
    control = admission(platform, limit=3)

    answers = await admitted(control, 5)

    assert answers[:3] == [None, None, None]
    assert answers[3] == Refusal(backlog=3, limit=3, retry_after=1)
    assert platform.counts == 1  # this process's admissions were added to one count


async def test_the_database_count_holds_across_replicas() -> None:
    platform = Platform()
    platform.backlog = 10  # admitted by other replicas
    control = admission(platform, limit=10)

    refusal = await control.admit()

    assert refusal is not None and "10 sagas in flight" in refusal.detail


async def test_a_drained_backlog_admits_again_at_the_next_count() -> None:
    platform = Platform()
    platform.backlog = 10
    control = admission(platform, limit=10)
    assert await control.admit() is not None

    platform.run(0.1, created=0, left=10)
    assert await control.admit() is not None  # not counted again yet
    platform.run(0.2, created=0, left=0)
    assert await control.admit() is None


async def test_a_platform_that_slowed_down_admits_only_what_its_deadline_allows() -> None:
    platform = Platform()
    control = admission(platform, limit=200, deadline=30)
    platform.backlog = 150
    for _ in range(8):  # busy at 40 sagas/s: 15 s of deadline share finish 600 > 200
        platform.run(0.25, created=10, left=10)
        await control.admit()
    assert control.capacity == 40
    assert control.limit == 200

    for i in range(61):  # a slow participant: 2 a second for half the deadline
        platform.run(0.25, created=0, left=i % 2)
        await control.admit()

    # measured over the intervals in which some left (one without any is a stall): 4/s, twice
    # the truth at this trickle, so what is admitted still finishes within the whole deadline
    assert control.capacity == 4
    refusal = await control.admit()
    assert refusal is not None and refusal.limit == 60


async def test_a_stall_is_a_fault_not_a_measure_of_the_capacity() -> None:
    platform = Platform()
    control = admission(platform, limit=200, deadline=30)
    platform.backlog = 150
    for _ in range(9):  # 2 s at 40 sagas/s
        platform.run(0.25, created=10, left=10)
        await control.admit()
    for _ in range(40):  # the broker away for 10 s: nothing leaves
        platform.run(0.25, created=1, left=0)
        await control.admit()
    platform.run(3, created=0, left=0)  # the database away for 3 s: no count in between
    await control.admit()

    assert control.capacity == 40
    assert control.limit == 200


async def test_the_capacity_sets_retry_after() -> None:
    platform = Platform()
    control = admission(platform, limit=200, deadline=30)
    platform.backlog = 100
    for _ in range(8):  # busy at 8 sagas/s
        platform.run(0.25, created=2, left=2)
        await control.admit()
    assert control.capacity == 8

    platform.run(0.25, created=42, left=2)
    refusal = await control.admit()

    # 8/s finish 120 within half the deadline; 21 of the 140 must leave first, at 8 a second
    assert refusal is not None
    assert (refusal.backlog, refusal.limit, refusal.retry_after) == (140, 120, 3)


async def test_an_idle_platform_never_measures_a_capacity() -> None:
    platform = Platform()
    control = admission(platform)
    for _ in range(20):
        assert await control.admit() is None
        platform.run(0.25, created=0, left=0)

    assert control.capacity is None
    assert control.limit == 10


async def test_a_light_load_measures_no_capacity_and_a_stall_after_it_does_not_close_the_door() -> (
    None
):
    platform = Platform()
    control = admission(platform, limit=100, deadline=30)
    for _ in range(41):  # 10 s at 4 sagas/s, each finished between two counts
        await control.admit()
        platform.run(0.25, created=1, left=1)
    for _ in range(9):  # a stall (a database restart, say): 18 sagas created, none finished
        platform.run(0.25, created=2, left=0)
        await control.admit()

    assert control.capacity is None
    assert control.limit == 100
