"""Redis for tests: ``RedisContainer`` and its readiness check.

Example::

    from dockyard.redis import RedisContainer

    with RedisContainer() as server:
        client = server.get_client(decode_responses=True)
        client.set("greeting", "hello")
"""

from ._container import CONFIG_FILE_PATH, AsyncRedisContainer, RedisContainer
from ._isolation import Isolation, RedisIsolationError
from ._wait import RedisPingWaitStrategy, is_fatal_ping_error

__all__ = [
    "CONFIG_FILE_PATH",
    "AsyncRedisContainer",
    "Isolation",
    "RedisContainer",
    "RedisIsolationError",
    "RedisPingWaitStrategy",
    "is_fatal_ping_error",
]
