"""Redis with dockyard-pytest: copy these tests into your suite, nothing else to write.

    pip install dockyard-pytest dockyard-redis
    pytest examples/redis_fixtures.py           # or: python examples/redis_fixtures.py

Every test gets a logical database of its own, leased in the one server all xdist workers
share, emptied before it is handed out.
"""

from __future__ import annotations

from typing import Any

import redis


def test_a_session_is_cached(dockyard_redis_client: redis.Redis) -> None:
    dockyard_redis_client.set("session:42", "alice", ex=60)
    assert dockyard_redis_client.get("session:42") == b"alice"


def test_every_test_starts_empty(dockyard_redis_client: redis.Redis) -> None:
    assert dockyard_redis_client.dbsize() == 0


def test_the_isolation_itself(dockyard_redis_isolation: Any, dockyard_redis: Any) -> None:
    # .db is this test's database; code that takes a URL gets one for it.
    url = dockyard_redis.get_connection_url(dockyard_redis_isolation.db)
    assert redis.Redis.from_url(url).ping()


if __name__ == "__main__":
    import sys

    import pytest

    # Installed, pytest loads the plugin by itself; -p also loads it from a source tree.
    sys.exit(pytest.main([__file__, "-q", "-p", "dockyard.pytest", "-p", "no:cacheprovider"]))
