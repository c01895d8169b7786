"""Each local service image serves through a published port, and peers reach it by alias.

Deliberately raw docker-py: these tests prove the images of tools/images, independently of
dockyard.core (whose own tests build on these images).
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import docker
import pytest
from docker.models.containers import Container
from docker.models.networks import Network
from image_manifest import local_image

SESSION = os.environ.get("TESTCONTAINERS_SESSION_ID") or f"smoke-{uuid.uuid4().hex[:12]}"
LABELS = {
    "org.testcontainers": "true",
    "org.testcontainers.lang": "python",
    "org.testcontainers.sessionId": SESSION,
}
POSTGRES = local_image("postgres")
REDIS = local_image("redis")
KAFKA = local_image("kafka")
CLIENT = local_image("client")

T = TypeVar("T")


def eventually(probe: Callable[[], T], container: Container, timeout: float = 90.0) -> T:
    """Polls `probe` until it succeeds; fails at once with the logs if the container exits."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return probe()
        except Exception as error:
            container.reload()
            if container.status == "exited" or time.monotonic() > deadline:
                logs = container.logs(tail=40).decode(errors="replace")
                pytest.fail(
                    f"{container.image.tags} not ready ({container.status}): {error}\n{logs}"
                )
            time.sleep(0.1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def engine() -> docker.DockerClient:
    return docker.from_env()


@pytest.fixture(scope="module")
def network(engine: docker.DockerClient) -> Iterator[Network]:
    net = engine.networks.create(f"dockyard-smoke-{uuid.uuid4().hex[:10]}", labels=LABELS)
    yield net
    net.remove()


@pytest.fixture(scope="module")
def start(engine: docker.DockerClient, network: Network) -> Iterator[Callable[..., Container]]:
    started: list[Container] = []

    def _start(image: str, alias: str, ports: dict[str, Any], **kwargs: Any) -> Container:
        container = engine.containers.create(image, labels=LABELS, ports=ports, **kwargs)
        started.append(container)
        engine.api.disconnect_container_from_network(container.id, "bridge")
        network.connect(container, aliases=[alias])
        container.start()
        container.reload()
        return container

    yield _start
    for container in started:
        container.remove(force=True, v=True)


def host_port(container: Container, port: str) -> int:
    return int(container.attrs["NetworkSettings"]["Ports"][port][0]["HostPort"])


@pytest.fixture(scope="module")
def postgres(start: Callable[..., Container]) -> Container:
    return start(
        POSTGRES,
        "pg",
        {"5432/tcp": ("127.0.0.1", None)},
        environment={
            "POSTGRES_USER": "smoke",
            "POSTGRES_PASSWORD": "smoke",
            "POSTGRES_DB": "smoke",
        },
    )


@pytest.fixture(scope="module")
def redis_server(start: Callable[..., Container]) -> Container:
    return start(REDIS, "cache", {"6379/tcp": ("127.0.0.1", None)})


@pytest.fixture(scope="module")
def kafka(start: Callable[..., Container]) -> tuple[Container, int]:
    port = free_port()
    container = start(
        KAFKA,
        "broker",
        {"9092/tcp": ("127.0.0.1", port)},
        environment={
            "KAFKA_NODE_ID": "1",
            "KAFKA_PROCESS_ROLES": "broker,controller",
            "KAFKA_LISTENERS": "HOST://:9092,PEER://:19092,CONTROLLER://:9093",
            "KAFKA_ADVERTISED_LISTENERS": f"HOST://127.0.0.1:{port},PEER://broker:19092",
            "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP": (
                "HOST:PLAINTEXT,PEER:PLAINTEXT,CONTROLLER:PLAINTEXT"
            ),
            "KAFKA_INTER_BROKER_LISTENER_NAME": "PEER",
            "KAFKA_CONTROLLER_LISTENER_NAMES": "CONTROLLER",
            "KAFKA_CONTROLLER_QUORUM_VOTERS": "1@localhost:9093",
            "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR": "1",
            "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": "1",
            "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR": "1",
            "KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS": "0",
        },
    )
    return container, port


@pytest.fixture(scope="module")
def client(start: Callable[..., Container]) -> Container:
    return start(CLIENT, "client", {})


def test_postgres_answers_select_1_through_the_published_port(postgres: Container) -> None:
    import psycopg2

    port = host_port(postgres, "5432/tcp")

    def query() -> int:
        with (
            psycopg2.connect(
                host="127.0.0.1", port=port, user="smoke", password="smoke", dbname="smoke"
            ) as conn,
            conn.cursor() as cursor,
        ):
            cursor.execute("select 1")
            return int(cursor.fetchone()[0])

    assert eventually(query, postgres) == 1
    logs = postgres.logs().decode()
    assert logs.count("database system is ready to accept connections") == 2


def test_redis_answers_ping_through_the_published_port(redis_server: Container) -> None:
    import redis

    port = host_port(redis_server, "6379/tcp")
    assert eventually(lambda: redis.Redis(host="127.0.0.1", port=port).ping(), redis_server) is True


def test_kafka_produces_and_consumes_through_the_published_port(
    kafka: tuple[Container, int],
) -> None:
    from kafka import KafkaConsumer, KafkaProducer

    container, port = kafka
    server = f"127.0.0.1:{port}"
    producer = eventually(lambda: KafkaProducer(bootstrap_servers=server), container)
    producer.send("smoke", b"hello from the host").get(timeout=30)
    producer.close()
    consumer = KafkaConsumer(
        "smoke", bootstrap_servers=server, auto_offset_reset="earliest", consumer_timeout_ms=20000
    )
    assert [record.value for record in consumer][:1] == [b"hello from the host"]
    consumer.close()


def run_in(client: Container, *command: str, environment: dict[str, str] | None = None) -> str:
    exit_code, output = client.exec_run(list(command), environment=environment)
    text = output.decode(errors="replace")
    assert exit_code == 0, f"{command} exited {exit_code}: {text}"
    return text.strip()


def test_client_reaches_postgres_by_alias(client: Container, postgres: Container) -> None:
    test_postgres_answers_select_1_through_the_published_port(postgres)
    out = run_in(
        client,
        "psql",
        "-h",
        "pg",
        "-U",
        "smoke",
        "-d",
        "smoke",
        "-tAc",
        "select 40 + 2",
        environment={"PGPASSWORD": "smoke"},
    )
    assert out == "42"


def test_client_reaches_redis_by_alias(client: Container, redis_server: Container) -> None:
    test_redis_answers_ping_through_the_published_port(redis_server)
    assert run_in(client, "redis-cli", "-h", "cache", "ping") == "PONG"


PEER_SCRIPT = """
from kafka import KafkaConsumer, KafkaProducer
producer = KafkaProducer(bootstrap_servers="broker:19092")
producer.send("peers", b"hello from a peer").get(timeout=30)
producer.close()
consumer = KafkaConsumer("peers", bootstrap_servers="broker:19092",
                         auto_offset_reset="earliest", consumer_timeout_ms=20000)
print(next(iter(consumer)).value.decode())
"""


def test_client_reaches_kafka_by_alias(client: Container, kafka: tuple[Container, int]) -> None:
    test_kafka_produces_and_consumes_through_the_published_port(kafka)
    assert run_in(client, "python3", "-c", PEER_SCRIPT) == "hello from a peer"
