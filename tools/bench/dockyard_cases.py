"""Dockyard's side: construct → start → first real operation → stop, through public names only.

The engine is whatever DOCKER_HOST names (the benchmark points it at its counting proxy);
images are the upstream names, mapped to the local builds by image substitution.
"""

from __future__ import annotations

from context import BenchContext, Case
from kafka_floor import kafka_floor
from probes import kafka_list_topics, postgres_select_one, redis_ping
from timing import CycleClock, Timing

from dockyard.core import DockerContainer, LogMessageWaitStrategy
from dockyard.kafka import KafkaContainer
from dockyard.postgres import PostgresContainer
from dockyard.redis import RedisContainer

__all__ = ["CASES", "FirstOperationError"]

REDIS_IMAGE = "redis:7"
REDIS_PORT = 6379
REDIS_READY = "Ready to accept connections"


class FirstOperationError(RuntimeError):
    """The service was reported ready but its first operation failed."""


def _check(ok: bool, what: str) -> None:
    if not ok:
        raise FirstOperationError(f"{what} failed right after start() returned")


def core_cycle(context: BenchContext) -> Timing:
    clock = CycleClock()
    container = (
        DockerContainer(REDIS_IMAGE)
        .with_exposed_ports(REDIS_PORT)
        .waiting_for(LogMessageWaitStrategy(REDIS_READY))
    )
    clock.starting()
    container.start()
    try:
        clock.ready()
        _check(redis_ping(container.host(), container.mapped_port(REDIS_PORT)), "PING")
    finally:
        container.stop()
    return clock.result()


def postgres_cycle(context: BenchContext) -> Timing:
    clock = CycleClock()
    container = PostgresContainer()
    clock.starting()
    container.start()
    try:
        clock.ready()
        _check(
            postgres_select_one(
                container.host(),
                container.mapped_port(container.port),
                container.username,
                container.password,
                container.dbname,
            ),
            "SELECT 1",
        )
    finally:
        container.stop()
    return clock.result()


def redis_cycle(context: BenchContext) -> Timing:
    clock = CycleClock()
    container = RedisContainer()
    clock.starting()
    container.start()
    try:
        clock.ready()
        _check(redis_ping(container.host(), container.mapped_port(container.port)), "PING")
    finally:
        container.stop()
    return clock.result()


def kafka_cycle(context: BenchContext) -> Timing:
    clock = CycleClock()
    container = KafkaContainer()
    clock.starting()
    container.start()
    try:
        clock.ready()
        kafka_list_topics(container.get_bootstrap_server())
        container_id = container.id  # before paused(): reading it may ask the engine
        with clock.paused():
            floor = kafka_floor(context.direct, container_id, clock.start_wall)
    finally:
        container.stop()
    return clock.result(kafka=floor)


CASES = {
    "core": Case("core", "dockyard", core_cycle),
    "postgres": Case("postgres", "dockyard", postgres_cycle),
    "redis": Case("redis", "dockyard", redis_cycle),
    "kafka": Case("kafka", "dockyard", kafka_cycle),
}
