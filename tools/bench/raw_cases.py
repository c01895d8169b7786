"""The raw docker-py side: the same image and container settings as the Dockyard module,
readiness polled directly at the service, then the same first operation, then removal.

Settings mirror what each module configures (read from its code); where a module exports
the value (``FAST_SETTINGS``, ``IN_MEMORY_PGDATA``, ``START_SCRIPT``) it is used from there.
"""

from __future__ import annotations

import base64
import io
import socket
import tarfile
import time
import uuid
from collections.abc import Callable
from typing import Any

from context import BenchContext, Case
from kafka_floor import KafkaFloor, kafka_floor
from probes import (
    kafka_answers,
    kafka_list_topics,
    postgres_select_one,
    redis_ping,
    wait_until,
)
from timing import CycleClock, Timing

from dockyard.core import resolve_image_name
from dockyard.kafka import BROKER_PORT, CONTROLLER_PORT, KAFKA_PORT, START_SCRIPT
from dockyard.postgres import FAST_SETTINGS, IN_MEMORY_PGDATA

__all__ = ["CASES"]

#: Dockyard publishes on loopback when the engine is local, as here.
BIND = "127.0.0.1"
PG_USER = PG_PASSWORD = PG_DB = "test"
KAFKA_RUN = "/etc/kafka/docker/run"
WAIT_FOR_START_SCRIPT = (
    f"while [ ! -s {START_SCRIPT} ]; do sleep 0.05; done; exec sh {START_SCRIPT}"
)


def _run(context: BenchContext, image: str, port: int, **options: Any) -> tuple[Any, int]:
    """Create and start a container; returns it and the host port of ``port``."""
    container = context.raw.containers.run(
        resolve_image_name(image),
        detach=True,
        labels=context.labels,
        ports={f"{port}/tcp": (BIND, options.pop("host_port", None))},
        **options,
    )
    try:
        container.reload()  # the host port is known only once the container runs
        return container, int(container.ports[f"{port}/tcp"][0]["HostPort"])
    except BaseException:
        container.remove(force=True, v=True)
        raise


class RawContainerExited(RuntimeError):
    """A raw container stopped before its service answered."""


def _alive(context: BenchContext, container: Any) -> Callable[[], None]:
    """A liveness check through the benchmark's own client, so it is not counted."""

    def check() -> None:
        state = context.direct.api.inspect_container(container.id)["State"]
        if not state.get("Running"):
            tail = context.direct.api.logs(container.id, tail=20).decode(errors="replace")
            raise RawContainerExited(
                f"{container.id[:12]} exited with {state.get('ExitCode')} before its service "
                f"answered; last log lines:\n{tail}"
            )

    return check


def _remove(container: Any) -> None:
    container.remove(force=True, v=True)


def core_cycle(context: BenchContext) -> Timing:
    clock = CycleClock()
    container, port = _run(context, "redis:7", 6379)
    try:
        wait_until(
            lambda: redis_ping(BIND, port),
            "redis",
            context.interval,
            context.timeout,
            _alive(context, container),
        )
        clock.ready()
        redis_ping(BIND, port)
    finally:
        _remove(container)
    return clock.result()


def redis_cycle(context: BenchContext) -> Timing:
    clock = CycleClock()
    command = ["redis-server", "--port", "6379", "--protected-mode", "no"]
    container, port = _run(context, "redis:7", 6379, command=command)
    try:
        wait_until(
            lambda: redis_ping(BIND, port),
            "redis",
            context.interval,
            context.timeout,
            _alive(context, container),
        )
        clock.ready()
        redis_ping(BIND, port)
    finally:
        _remove(container)
    return clock.result()


def postgres_cycle(context: BenchContext) -> Timing:
    clock = CycleClock()
    command = ["postgres"]
    for key, value in FAST_SETTINGS.items():
        command += ["-c", f"{key}={value}"]
    env = {
        "POSTGRES_USER": PG_USER,
        "POSTGRES_PASSWORD": PG_PASSWORD,
        "POSTGRES_DB": PG_DB,
        "PGDATA": IN_MEMORY_PGDATA,
    }
    container, port = _run(
        context,
        "postgres:16",
        5432,
        command=command,
        environment=env,
        tmpfs={IN_MEMORY_PGDATA: ""},
    )
    try:

        def select_one() -> bool:
            return postgres_select_one(BIND, port, PG_USER, PG_PASSWORD, PG_DB, timeout=1)

        wait_until(
            select_one, "postgres", context.interval, context.timeout, _alive(context, container)
        )
        clock.ready()
        select_one()
    finally:
        _remove(container)
    return clock.result()


def _kafka_env() -> dict[str, str]:
    """KafkaContainer's environment for one node without extra listeners."""
    return {
        "KAFKA_NODE_ID": "1",
        "KAFKA_PROCESS_ROLES": "broker,controller",
        "KAFKA_CONTROLLER_LISTENER_NAMES": "CONTROLLER",
        "KAFKA_CONTROLLER_QUORUM_VOTERS": f"1@localhost:{CONTROLLER_PORT}",
        "KAFKA_INTER_BROKER_LISTENER_NAME": "BROKER",
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR": "1",
        "KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS": "1",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": "1",
        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR": "1",
        "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR": "1",
        "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR": "1",
        "KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS": "0",
        "CLUSTER_ID": base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("="),
        "KAFKA_LISTENERS": (
            f"PLAINTEXT://0.0.0.0:{KAFKA_PORT},BROKER://0.0.0.0:{BROKER_PORT},"
            f"CONTROLLER://0.0.0.0:{CONTROLLER_PORT}"
        ),
        "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP": (
            "PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT"
        ),
    }


def _advertised(port: int, broker_host: str) -> str:
    return f"PLAINTEXT://{BIND}:{port},BROKER://{broker_host}:{BROKER_PORT}"


def _start_script(port: int) -> bytes:
    """What KafkaContainer writes once the host port is known (its hand-off)."""
    advertised = _advertised(port, "$broker_host")
    return (
        "#!/bin/sh\n"
        'broker_host="${HOSTNAME:-$(hostname)}"\n'
        f'export KAFKA_ADVERTISED_LISTENERS="{advertised}"\n'
        f"exec {KAFKA_RUN}\n"
    ).encode()


def _archive(content: bytes, path: str, mode: int) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        info = tarfile.TarInfo(path.lstrip("/"))
        info.size, info.mode, info.mtime = len(content), mode, int(time.time())
        tar.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def _kafka_ready_and_used(
    context: BenchContext, clock: CycleClock, container: Any, port: int
) -> KafkaFloor:
    """Poll, mark ready, list topics; returns what the engine recorded of the start."""
    wait_until(
        lambda: kafka_answers(BIND, port),
        "kafka",
        context.interval,
        context.timeout,
        _alive(context, container),
    )
    clock.ready()
    kafka_list_topics(f"{BIND}:{port}")
    with clock.paused():
        return kafka_floor(context.direct, container.id, clock.start_wall)


def kafka_cycle(context: BenchContext) -> Timing:
    """As KafkaContainer does it: wait for a start script written once the port is known."""
    clock = CycleClock()
    container, port = _run(
        context,
        "apache/kafka:4.1.1",
        KAFKA_PORT,
        environment=_kafka_env(),
        entrypoint=["sh"],
        command=["-c", WAIT_FOR_START_SCRIPT],
    )
    try:
        if not container.put_archive("/", _archive(_start_script(port), START_SCRIPT, 0o755)):
            raise RuntimeError(f"writing {START_SCRIPT} into the raw Kafka container failed")
        floor = _kafka_ready_and_used(context, clock, container, port)
    finally:
        _remove(container)
    return clock.result(kafka=floor)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((BIND, 0))
        return int(sock.getsockname()[1])


def kafka_direct_cycle(context: BenchContext) -> Timing:
    """Without the hand-off: the host port is picked beforehand, the broker starts at once."""
    clock = CycleClock()
    host_port = _free_port()
    broker_host = f"kafka-{uuid.uuid4().hex[:8]}"
    env = {**_kafka_env(), "KAFKA_ADVERTISED_LISTENERS": _advertised(host_port, broker_host)}
    container, port = _run(
        context,
        "apache/kafka:4.1.1",
        KAFKA_PORT,
        environment=env,
        hostname=broker_host,
        host_port=host_port,
    )
    try:
        floor = _kafka_ready_and_used(context, clock, container, port)
    finally:
        _remove(container)
    return clock.result(kafka=floor)


CASES = {
    "core": Case("core", "docker-py", core_cycle),
    "postgres": Case("postgres", "docker-py", postgres_cycle),
    "redis": Case("redis", "docker-py", redis_cycle),
    "kafka": Case("kafka", "docker-py", kafka_cycle),
    "kafka-direct": Case("kafka", "docker-py, no hand-off", kafka_direct_cycle),
}
