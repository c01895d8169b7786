"""Several modules at once, as a real test suite uses them.

PostgreSQL, Redis and Kafka share one network; a peer container reaches each through the
module's own network helpers (alias + internal port) while the test host uses the mapped
ports. Also: many containers started in parallel get distinct host ports, and a container
that dies under the test gives a clear error instead of a stale port.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import sqlalchemy
from image_manifest import local_image

from dockyard.core import (
    ContainerNotStartedError,
    DockerContainer,
    DockyardError,
    Network,
    start_all,
    stop_all,
)
from dockyard.kafka import KafkaContainer
from dockyard.postgres import PostgresContainer
from dockyard.redis import RedisContainer

CLIENT_IMAGE = local_image("client")

PEER_KAFKA_SCRIPT = """
import sys
from kafka import KafkaConsumer, KafkaProducer
servers = sys.argv[1]
producer = KafkaProducer(bootstrap_servers=servers)
producer.send("together", b"from the peer").get(timeout=30)
producer.close()
consumer = KafkaConsumer("together", bootstrap_servers=servers, group_id="peer",
                         auto_offset_reset="earliest", consumer_timeout_ms=20000)
print(next(iter(consumer)).value.decode())
"""


@pytest.fixture(scope="module")
def services() -> Iterator[
    tuple[PostgresContainer, RedisContainer, KafkaContainer, DockerContainer]
]:
    with Network() as network:
        postgres = PostgresContainer().with_network(network).with_network_aliases("db")
        redis = (
            RedisContainer(password="s3cret").with_network(network).with_network_aliases("cache")
        )
        kafka = KafkaContainer().with_network(network).with_listener("broker:19092")
        peer = (
            DockerContainer(CLIENT_IMAGE).with_command(["sleep", "infinity"]).with_network(network)
        )
        started = [postgres, redis, kafka, peer]
        start_all(*started)
        try:
            yield postgres, redis, kafka, peer
        finally:
            stop_all(*started)


def test_the_host_uses_mapped_ports(
    services: tuple[PostgresContainer, RedisContainer, KafkaContainer, DockerContainer],
) -> None:
    postgres, redis, kafka, _ = services
    with postgres.get_engine().connect() as connection:
        assert connection.execute(sqlalchemy.text("select 40 + 2")).scalar_one() == 42
    assert redis.get_client().ping() is True
    ports = {
        postgres.mapped_port(5432),
        redis.mapped_port(6379),
        int(kafka.get_bootstrap_server().rsplit(":", 1)[1]),
    }
    assert len(ports) == 3
    assert 5432 not in ports and 6379 not in ports  # random host ports, not the fixed ones


def test_a_peer_reaches_postgres_by_the_internal_url(
    services: tuple[PostgresContainer, RedisContainer, KafkaContainer, DockerContainer],
) -> None:
    postgres, _, _, peer = services
    url = postgres.get_internal_connection_url(driver=None)
    assert urlsplit(url).hostname == "db" and urlsplit(url).port == 5432
    result = peer.exec(["psql", url, "-tAc", "select 'peer says hi'"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == b"peer says hi"


def test_a_peer_reaches_redis_by_the_internal_url(
    services: tuple[PostgresContainer, RedisContainer, KafkaContainer, DockerContainer],
) -> None:
    _, redis, _, peer = services
    url = urlsplit(redis.get_internal_connection_url())
    assert (url.hostname, url.port) == ("cache", 6379)
    redis.get_client().set("shared", "written by the host")
    command = [
        "redis-cli",
        "-h",
        url.hostname,
        "-p",
        str(url.port),
        "-a",
        "s3cret",
        "--no-auth-warning",
        "get",
        "shared",
    ]
    result = peer.exec(command)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == b"written by the host"


def test_a_peer_and_the_host_share_a_kafka_topic(
    services: tuple[PostgresContainer, RedisContainer, KafkaContainer, DockerContainer],
) -> None:
    _, _, kafka, peer = services
    servers = kafka.get_internal_bootstrap_servers()
    assert servers == ["broker:19092"]
    result = peer.exec(["python3", "-c", PEER_KAFKA_SCRIPT, servers[0]])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == b"from the peer"
    consumer = kafka.consumer("together", consumer_timeout_ms=20_000)
    try:
        assert [record.value for record in consumer][:1] == [b"from the peer"]
    finally:
        consumer.close()


def test_parallel_starts_get_distinct_host_ports() -> None:
    fleet = [RedisContainer() for _ in range(6)]
    start_all(*fleet)
    try:
        ports = [server.mapped_port(6379) for server in fleet]
        assert len(set(ports)) == len(fleet)
        assert all(server.get_client().ping() for server in fleet)
    finally:
        stop_all(*fleet)


def test_a_container_that_died_gives_a_clear_error_not_a_stale_port() -> None:
    server = RedisContainer().start()
    try:
        assert server.mapped_port(6379) > 0
        server.get_wrapped_container().kill()
        with pytest.raises(DockyardError, match=r"(?i)not running|exited|stopped"):
            server.mapped_port(6379)
    finally:
        server.stop()
    with pytest.raises(ContainerNotStartedError):
        server.mapped_port(6379)
