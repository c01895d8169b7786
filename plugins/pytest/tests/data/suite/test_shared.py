"""The suite on the plugin's fixtures: one server of each kind for every worker."""

from __future__ import annotations

from typing import Any

import checks
import pytest
import sqlalchemy


@pytest.mark.parametrize("n", range(6))
def test_postgres(
    n: int, dockyard_postgres: Any, dockyard_postgres_engine: sqlalchemy.Engine
) -> None:
    checks.record(
        "postgres", dockyard_postgres, checks.postgres(dockyard_postgres_engine, checks.me(n))
    )


@pytest.mark.parametrize("n", range(6))
def test_redis(n: int, dockyard_redis: Any, dockyard_redis_isolation: Any) -> None:
    checks.record("redis", dockyard_redis, checks.redis(dockyard_redis_isolation, checks.me(n)))


@pytest.mark.parametrize("n", range(4))
def test_kafka(n: int, dockyard_kafka: Any, dockyard_kafka_namespace: Any) -> None:
    checks.record("kafka", dockyard_kafka, checks.kafka(dockyard_kafka_namespace, checks.me(n)))
