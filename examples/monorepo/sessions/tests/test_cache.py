"""SessionCache against a real Redis server started by Dockyard."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from dockyard.redis import RedisContainer

from sessions.cache import SessionCache


@pytest.fixture(scope="module")
def client() -> Iterator[redis.Redis]:
    with RedisContainer() as server:
        yield server.get_client()


def test_a_session_lives_until_closed(client: redis.Redis) -> None:
    cache = SessionCache(client, ttl_seconds=60)
    token = cache.open("ada")
    assert cache.user(token) == "ada"
    assert 0 < client.ttl(f"session:{token}") <= 60
    cache.close(token)
    assert cache.user(token) is None
