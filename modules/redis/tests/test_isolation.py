"""Per-test isolation: a clean logical database per test, or FLUSHALL between tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis

from dockyard.redis import RedisContainer, RedisIsolationError


def test_databases_are_leased_until_released(redis_server: RedisContainer) -> None:
    handed = [redis_server.next_database() for _ in range(14)]
    try:
        assert sorted(handed) == list(range(1, 15))  # never 0 (yours) nor 15 (the leases)
        with pytest.raises(RedisIsolationError, match="leased"):
            redis_server.next_database()
        # The leases live in the server, where another process would see them.
        with redis_server.get_client(db=15, decode_responses=True) as client:
            assert client.get("dockyard:db-lease:3") == redis_server._leases.holder
        redis_server.release_database(handed[2])
        assert redis_server.next_database() == handed[2]
    finally:
        for db in handed:
            redis_server.release_database(db)


def test_a_leased_database_is_flushed(redis_server: RedisContainer) -> None:
    db = redis_server.next_database()
    with redis_server.get_client(db=db) as client:
        client.set("left-over", 1)
    redis_server.release_database(db)
    assert redis_server.next_database() == db  # handed out again …
    with redis_server.get_client(db=db) as client:
        assert client.dbsize() == 0  # … and emptied first
    redis_server.release_database(db)


def test_isolated_database_falls_back_to_a_key_prefix(redis_server: RedisContainer) -> None:
    taken = [redis_server.next_database() for _ in range(14)]
    try:
        with redis_server.isolated_database(decode_responses=True) as iso:
            assert iso.db == 0 and iso.prefix
            iso.client.set(iso.key("mine"), "x")
            assert iso.client.get(iso.key("mine")) == "x"
        with redis_server.get_client() as client:
            assert not list(client.scan_iter(match=iso.prefix + "*"))  # cleaned up
    finally:
        for db in taken:
            redis_server.release_database(db)
    with redis_server.isolated_database() as own:
        assert own.db != 0 and own.prefix == ""


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
