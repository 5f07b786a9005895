"""``alpes.failures``: real failures (from the embedded PostgreSQL where they come from one)
classified as transient, permanent or unknown; the backoff curve; ``retrying``; fault injection."""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any
from unittest.mock import AsyncMock

import pytest
import sqlalchemy.exc
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from alpes.failures import (
    ConcurrencyConflict,
    Failure,
    FailurePolicy,
    FaultInjection,
    InjectedPermanentFault,
    InjectedTransientFault,
)
from alpes.infra import EmbeddedPostgres
from contracts import CodecError, decode

POLICY = FailurePolicy()


class ReglaRota(Exception):
    """A service's domain error (one HTTP answers with a 4xx)."""


def _sqlstates(exc: BaseException) -> set[str]:
    """Every SQLSTATE named anywhere in ``exc``'s chain (wrapped error, causes)."""
    found: set[str] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None:
            continue
        code = getattr(e, "sqlstate", None) or getattr(e, "pgcode", None)
        if isinstance(code, str):
            found.add(code)
        orig = getattr(e, "orig", None)
        todo += [orig if isinstance(orig, BaseException) else None, e.__cause__]
    return found


def _assert_classified(error: BaseException, sqlstate: str, failure: Failure) -> None:
    """``error`` names ``sqlstate`` (anywhere in its chain) and is classified as ``failure``."""
    assert sqlstate in _sqlstates(error), repr(error)
    assert POLICY.classify(error) is failure


async def _run_on_each(connections: Sequence[AsyncConnection], *statements: str) -> None:
    """Run ``statements``, in order, on each of ``connections`` in turn."""
    for conn in connections:
        for statement in statements:
            await conn.execute(text(statement))


async def _raised(operation: Callable[[], Awaitable[Any]]) -> BaseException:
    try:
        await operation()
    except Exception as exc:
        return exc
    raise AssertionError("the operation did not fail")


async def _connection_error(engine: AsyncEngine) -> BaseException:
    """What opening a connection of ``engine`` raises."""

    async def connect() -> None:
        async with engine.connect():
            pass

    return await _raised(connect)


@pytest.fixture
async def database(postgres: EmbeddedPostgres) -> str:
    name = f"fail_{uuid.uuid4().hex[:8]}"
    postgres.create_database(name)
    return name


@pytest.fixture
async def engine(postgres: EmbeddedPostgres, database: str) -> AsyncIterator[AsyncEngine]:
    eng = create_async_engine(postgres.url(database), pool_size=4, max_overflow=0)
    async with eng.begin() as conn:
        await conn.execute(text("CREATE TABLE cuenta (id int PRIMARY KEY, saldo int NOT NULL)"))
        await conn.execute(text("INSERT INTO cuenta VALUES (1, 100), (2, 100)"))
        await conn.execute(text("CREATE TABLE marca (id int PRIMARY KEY, nombre varchar(3))"))
    yield eng
    await eng.dispose()


# --- transient ---------------------------------------------------------------------------


async def test_a_database_refusing_connections_is_transient(
    postgres: EmbeddedPostgres, database: str
) -> None:
    postgres.psql(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false;')
    eng = create_async_engine(postgres.url(database))
    try:
        error = await _connection_error(eng)
    finally:
        await eng.dispose()
        postgres.psql(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true;')

    _assert_classified(error, "55000", Failure.TRANSIENT)


async def test_a_terminated_backend_is_transient(engine: AsyncEngine) -> None:
    async with engine.connect() as victim, engine.connect() as admin:
        pid = (await victim.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        await admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        error = await _raised(lambda: victim.execute(text("SELECT 1")))

    # asyncpg reports the server's 57P01 when it read it before the socket closed,
    # "connection is closed" when the socket closed first, and "cannot switch to state"
    # when the goodbye arrived while it was idle: the same fault, all transient
    assert isinstance(error, sqlalchemy.exc.DBAPIError), repr(error)
    assert "57P01" in _sqlstates(error) or any(
        text in str(error) for text in ("connection is closed", "cannot switch to state")
    ), repr(error)
    assert POLICY.classify(error) is Failure.TRANSIENT


async def test_a_serialization_failure_is_transient(engine: AsyncEngine) -> None:
    async with engine.connect() as first, engine.connect() as second:
        await _run_on_each(
            (first, second),
            "BEGIN ISOLATION LEVEL SERIALIZABLE",
            "SELECT saldo FROM cuenta WHERE id = 1",
        )
        await first.execute(text("UPDATE cuenta SET saldo = saldo - 10 WHERE id = 1"))
        await first.commit()
        error = await _raised(
            lambda: second.execute(text("UPDATE cuenta SET saldo = saldo - 20 WHERE id = 1"))
        )
        await second.rollback()

    _assert_classified(error, "40001", Failure.TRANSIENT)


async def test_a_deadlock_is_transient(engine: AsyncEngine) -> None:
    async with engine.connect() as first, engine.connect() as second:
        await _run_on_each((first, second), "SET deadlock_timeout = '100ms'")
        await first.execute(text("UPDATE cuenta SET saldo = 0 WHERE id = 1"))
        await second.execute(text("UPDATE cuenta SET saldo = 0 WHERE id = 2"))

        async def cross(conn: AsyncConnection, row: int) -> BaseException | None:
            try:
                await conn.execute(text("UPDATE cuenta SET saldo = 1 WHERE id = :id"), {"id": row})
            except Exception as exc:
                return exc
            return None

        outcomes = await asyncio.wait_for(
            asyncio.gather(cross(first, 2), cross(second, 1)), timeout=30
        )
        await first.rollback()
        await second.rollback()

    [error] = [e for e in outcomes if e is not None]
    _assert_classified(error, "40P01", Failure.TRANSIENT)


async def test_a_lock_wait_past_lock_timeout_is_transient(engine: AsyncEngine) -> None:
    async with engine.connect() as holder, engine.connect() as waiter:
        await holder.execute(text("SELECT * FROM cuenta WHERE id = 1 FOR UPDATE"))
        await waiter.execute(text("SET lock_timeout = '100ms'"))
        error = await _raised(
            lambda: waiter.execute(text("SELECT * FROM cuenta WHERE id = 1 FOR UPDATE"))
        )
        await waiter.rollback()
        await holder.rollback()

    _assert_classified(error, "55P03", Failure.TRANSIENT)


async def test_no_connection_from_the_pool_in_time_is_transient(
    postgres: EmbeddedPostgres, database: str
) -> None:
    eng = create_async_engine(postgres.url(database), pool_size=1, max_overflow=0, pool_timeout=0.2)
    try:
        async with eng.connect() as held:
            await held.execute(text("SELECT 1"))
            error = await _connection_error(eng)  # another one
    finally:
        await eng.dispose()

    assert isinstance(error, sqlalchemy.exc.TimeoutError), repr(error)
    assert POLICY.classify(error) is Failure.TRANSIENT


def test_a_concurrent_change_of_the_aggregate_is_transient() -> None:
    assert POLICY.classify(ConcurrencyConflict("x")) is Failure.TRANSIENT


def test_a_transient_cause_makes_a_wrapping_error_transient() -> None:
    try:
        try:
            raise ConnectionResetError("connection reset by peer")
        except ConnectionResetError as cause:
            raise RuntimeError("while relaying the outbox") from cause
    except RuntimeError as error:
        assert POLICY.classify(error) is Failure.TRANSIENT


# --- permanent ---------------------------------------------------------------------------


async def test_an_integrity_violation_is_permanent(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        error = await _raised(lambda: conn.execute(text("INSERT INTO cuenta VALUES (1, 5)")))
        await conn.rollback()

    assert isinstance(error, sqlalchemy.exc.IntegrityError), repr(error)
    _assert_classified(error, "23505", Failure.PERMANENT)


async def test_data_the_database_cannot_store_is_permanent(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        error = await _raised(lambda: conn.execute(text("INSERT INTO marca VALUES (1, 'Adidas')")))
        await conn.rollback()

    _assert_classified(error, "22001", Failure.PERMANENT)


def test_a_domain_error_is_permanent_when_the_service_says_so() -> None:
    assert FailurePolicy().classify(ReglaRota("presupuesto insuficiente")) is Failure.UNKNOWN
    policy = FailurePolicy(permanent=(ReglaRota,))
    assert policy.classify(ReglaRota("presupuesto insuficiente")) is Failure.PERMANENT


def test_an_undecodable_message_is_permanent() -> None:
    with pytest.raises(CodecError) as raised:
        decode(b"\x00\x01garbage", {})
    assert POLICY.classify(raised.value) is Failure.PERMANENT


def test_anything_else_is_unknown() -> None:
    assert POLICY.classify(RuntimeError("a bug")) is Failure.UNKNOWN
    assert POLICY.classify(KeyError("campo")) is Failure.UNKNOWN


# --- backoff -----------------------------------------------------------------------------


def test_backoff_grows_exponentially_with_at_most_initial_of_jitter() -> None:
    policy = FailurePolicy(initial=0.5, cap=30.0)
    for attempt in range(1, 7):
        base = 0.5 * 2 ** (attempt - 1)
        waits = [policy.backoff(attempt) for _ in range(50)]
        assert all(base <= w <= base + 0.5 for w in waits), (attempt, waits)
    assert len({policy.backoff(3) for _ in range(20)}) > 1  # jittered, not one fixed value


def test_backoff_is_capped() -> None:
    policy = FailurePolicy(initial=0.5, cap=3.0)
    waits = [policy.backoff(attempt) for attempt in range(4, 60) for _ in range(5)]
    assert all(3.0 <= w <= 3.5 for w in waits), max(waits)


# --- retrying ----------------------------------------------------------------------------


async def test_retrying_returns_the_value_after_transient_failures_with_one_warning_each(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="alpes.failures")
    flaky = AsyncMock(
        side_effect=[*(ConnectionRefusedError(f"refused {n}") for n in (1, 2, 3)), "hecho"]
    )

    policy = FailurePolicy(initial=0.01, cap=0.05, horizon=10)
    assert await policy.retrying(flaky, "reservar presupuesto") == "hecho"

    assert flaky.await_count == 4
    records = [r for r in caplog.records if r.name == "alpes.failures"]
    assert [r.levelno for r in records] == [logging.WARNING] * 3
    assert all(r.exc_info is None and r.exc_text is None for r in records)
    messages = [r.getMessage() for r in records]
    for n, message in enumerate(messages, start=1):
        assert "reservar presupuesto" in message and f"attempt {n}" in message, message
        assert f"refused {n}" in message and "\n" not in message


async def test_retrying_waits_out_a_database_refusing_connections(
    postgres: EmbeddedPostgres, database: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="alpes.failures")
    eng = create_async_engine(postgres.url(database))
    postgres.psql(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false;')
    calls = 0

    async def query() -> int:
        nonlocal calls
        calls += 1
        if calls == 3:  # the database comes back while we wait
            postgres.psql(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true;')
        async with eng.connect() as conn:
            return int((await conn.execute(text("SELECT 7"))).scalar_one())

    try:
        policy = FailurePolicy(initial=0.01, cap=0.05, horizon=20)
        assert await policy.retrying(query, "leer") == 7
    finally:
        postgres.psql(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true;')
        await eng.dispose()
    assert calls == 3
    assert len([r for r in caplog.records if r.name == "alpes.failures"]) == 2


async def test_retrying_raises_a_permanent_failure_at_once(engine: AsyncEngine) -> None:
    async def insert() -> None:
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO cuenta VALUES (1, 5)"))

    duplicate = AsyncMock(side_effect=insert)  # the row is there already

    with pytest.raises(sqlalchemy.exc.IntegrityError):
        await FailurePolicy(initial=0.01, horizon=10).retrying(duplicate, "insertar")
    assert duplicate.await_count == 1


async def test_retrying_raises_an_unknown_failure_at_once() -> None:
    buggy = AsyncMock(side_effect=RuntimeError("a bug"))

    with pytest.raises(RuntimeError, match="a bug"):
        await FailurePolicy(initial=0.01, horizon=10).retrying(buggy, "x")
    assert buggy.await_count == 1


async def test_retrying_gives_up_after_the_horizon_with_the_last_error() -> None:
    down = AsyncMock(side_effect=(ConnectionResetError(f"reset {n}") for n in itertools.count(1)))

    policy = FailurePolicy(initial=0.05, cap=0.1, horizon=0.3)
    started = time.monotonic()
    with pytest.raises(ConnectionResetError) as raised:
        await policy.retrying(down, "publicar")
    elapsed = time.monotonic() - started

    assert down.await_count > 1
    assert str(raised.value) == f"reset {down.await_count}"  # the last one, as it was
    assert elapsed < 5


def test_from_settings_reads_milliseconds_and_the_horizon() -> None:
    from alpes.settings import Settings

    settings = Settings(retry_initial_ms=200, retry_max_ms=4000, retry_horizon_seconds=60)
    policy = FailurePolicy.from_settings(settings, permanent=(ReglaRota,))
    assert (policy.initial, policy.cap, policy.horizon) == (0.2, 4.0, 60)
    assert policy.classify(ReglaRota()) is Failure.PERMANENT


# --- fault injection ---------------------------------------------------------------------


def test_fault_injection_fails_the_first_n_attempts_of_each_event_transiently() -> None:
    faults = FaultInjection.parse("PresupuestoReservado:transient:2, CampanaCreada:permanent")
    assert faults

    for id_evento in ("e1", "e2"):  # counted per event
        for _ in range(2):
            with pytest.raises(InjectedTransientFault) as raised:
                faults.check("PresupuestoReservado", id_evento)
            assert POLICY.classify(raised.value) is Failure.TRANSIENT
        faults.check("PresupuestoReservado", id_evento)  # the third attempt passes
    faults.check("TrackingHabilitado", "e1")  # no rule: nothing


def test_fault_injection_fails_every_attempt_permanently() -> None:
    faults = FaultInjection.parse("CampanaCreada:permanent")
    for _ in range(3):
        with pytest.raises(InjectedPermanentFault) as raised:
            faults.check("CampanaCreada", "e1")
        assert POLICY.classify(raised.value) is Failure.PERMANENT


def test_fault_injection_spec_empty_or_wrong() -> None:
    assert not FaultInjection.parse("")
    assert not FaultInjection.parse(" , ")
    assert FaultInjection.parse("X:transient").rules == {"X": ("transient", 1)}
    for wrong in ("X:sometimes:3", "X", "X:transient:abc"):
        with pytest.raises(ValueError, match="INJECT_FAULTS"):
            FaultInjection.parse(wrong)
