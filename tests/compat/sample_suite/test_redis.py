"""The session cache: plain and password-protected Redis, sync and async clients."""

import asyncio

import pytest
import redis
import testcontainers.redis


def test_round_trip(redis_image):
    with testcontainers.redis.RedisContainer(redis_image) as container:
        client = container.get_client(decode_responses=True)
        client.set("session:1", "alice")
        assert client.get("session:1") == "alice"


def test_password_is_required(redis_image):
    with testcontainers.redis.RedisContainer(redis_image, password="hunter2") as container:
        assert container.get_client().ping()
        anonymous = redis.Redis(
            host=container.get_container_host_ip(), port=container.get_exposed_port(6379)
        )
        with pytest.raises(redis.exceptions.AuthenticationError):
            anonymous.ping()


def test_async_client(redis_image):
    with testcontainers.redis.AsyncRedisContainer(redis_image) as container:

        async def round_trip():
            client = await container.get_async_client(decode_responses=True)
            try:
                await client.set("counter", 41)
                await client.incr("counter")
                return await client.get("counter")
            finally:
                await client.aclose()

        assert asyncio.run(round_trip()) == "42"
