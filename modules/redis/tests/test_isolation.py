"""Per-test isolation: a clean logical database per test, or FLUSHALL between tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis

from dockyard.redis import RedisContainer


def test_next_database_round_robin_over_1_to_15(redis_server: RedisContainer) -> None:
    handed = [redis_server.next_database() for _ in range(16)]
    assert sorted(handed[:15]) == list(range(1, 16))
    assert 0 not in handed
    assert handed[15] == handed[0]  # wraps around


def test_next_database_is_flushed(redis_server: RedisContainer) -> None:
    db = redis_server.next_database()
    with redis_server.get_client(db=db) as client:
        client.set("left-over", 1)
    for _ in range(14):
        redis_server.next_database()
    assert redis_server.next_database() == db  # handed out again …
    with redis_server.get_client(db=db) as client:
        assert client.dbsize() == 0  # … and emptied first


def test_isolated_client_uses_its_own_database(redis_server: RedisContainer) -> None:
    with (
        redis_server.isolated_client() as first,
        redis_server.isolated_client() as second,
    ):
        first_db = first.connection_pool.connection_kwargs["db"]
        second_db = second.connection_pool.connection_kwargs["db"]
        assert first_db != second_db
        assert first_db != 0
        first.set("mine", "first")
        assert second.get("mine") is None


def test_flush_empties_every_database(redis_server: RedisContainer) -> None:
    for db in (0, 5, 15):
        with redis_server.get_client(db=db) as client:
            client.set("x", db)
    redis_server.flush()
    for db in (0, 5, 15):
        with redis_server.get_client(db=db) as client:
            assert client.dbsize() == 0


# -- the two fixture patterns documented in the README -----------------------------
@pytest.fixture()
def cache(redis_server: RedisContainer) -> Iterator[redis.Redis]:
    """(a) A fresh, empty logical database for each test."""
    with redis_server.isolated_client(decode_responses=True) as client:
        yield client


@pytest.fixture()
def flushed(redis_server: RedisContainer) -> Iterator[redis.Redis]:
    """(b) The whole server, emptied after each test."""
    with redis_server.get_client(decode_responses=True) as client:
        yield client
    redis_server.flush()


@pytest.mark.parametrize("run", [1, 2])
def test_isolated_fixture_starts_empty(cache: redis.Redis, run: int) -> None:
    assert cache.dbsize() == 0
    cache.set("written-by-run", run)


@pytest.mark.parametrize("run", [1, 2])
def test_flush_fixture_starts_empty(flushed: redis.Redis, run: int) -> None:
    assert flushed.dbsize() == 0
    flushed.set("written-by-run", run)
