"""The same suite written the way it is without the plugin: a container per test."""

from __future__ import annotations

from collections.abc import Iterator

import checks
import pytest

from dockyard.kafka import KafkaContainer
from dockyard.postgres import PostgresContainer
from dockyard.redis import RedisContainer


@pytest.fixture
def postgres() -> Iterator[PostgresContainer]:
    with PostgresContainer() as server:
        yield server


@pytest.fixture
def redis() -> Iterator[RedisContainer]:
    with RedisContainer() as server:
        yield server


@pytest.fixture
def kafka() -> Iterator[KafkaContainer]:
    with KafkaContainer() as server:
        yield server


@pytest.mark.parametrize("n", range(6))
def test_postgres(n: int, postgres: PostgresContainer) -> None:
    engine = postgres.get_engine()
    try:
        checks.record("postgres", postgres, checks.postgres(engine, checks.me(n)))
    finally:
        engine.dispose()


@pytest.mark.parametrize("n", range(6))
def test_redis(n: int, redis: RedisContainer) -> None:
    with redis.isolated_database() as isolation:
        checks.record("redis", redis, checks.redis(isolation, checks.me(n)))


@pytest.mark.parametrize("n", range(4))
def test_kafka(n: int, kafka: KafkaContainer) -> None:
    with kafka.topic_namespace() as namespace:
        checks.record("kafka", kafka, checks.kafka(namespace, checks.me(n)))
