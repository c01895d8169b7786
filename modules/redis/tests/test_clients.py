"""Sync and async clients from the container's helpers."""

from __future__ import annotations

import asyncio

import redis
import redis.asyncio

from dockyard.redis import RedisContainer


def test_sync_client_returns_bytes_by_default(redis_server: RedisContainer) -> None:
    client = redis_server.get_client()
    assert isinstance(client, redis.Redis)
    client.set("greeting", "hello")
    assert client.get("greeting") == b"hello"


def test_sync_client_decode_responses_passthrough(redis_server: RedisContainer) -> None:
    with redis_server.get_client(decode_responses=True) as client:
        client.set("greeting", "hello")
        assert client.get("greeting") == "hello"


def test_sync_client_kwargs_override_db(redis_server: RedisContainer) -> None:
    with redis_server.get_client(db=3) as client:
        client.set("only-in-3", 1)
    with redis_server.get_client(db=0) as client:
        assert client.exists("only-in-3") == 0


def test_async_client(redis_server: RedisContainer) -> None:
    # No pytest-asyncio: drive the coroutine with asyncio.run inside a sync test.
    async def scenario() -> tuple[bool, str | None, int]:
        client = redis_server.get_async_client(decode_responses=True)
        assert isinstance(client, redis.asyncio.Redis)
        try:
            pong = await client.ping()
            await client.set("async-key", "async-value")
            value = await client.get("async-key")
            pushed = await client.rpush("async-list", "a", "b", "c")
        finally:
            await client.aclose()
        return pong, value, pushed

    assert asyncio.run(scenario()) == (True, "async-value", 3)


def test_async_client_with_password(redis_with_password: RedisContainer) -> None:
    async def scenario() -> bool:
        client = redis_with_password.get_async_client()
        try:
            return bool(await client.ping())
        finally:
            await client.aclose()

    assert asyncio.run(scenario()) is True
