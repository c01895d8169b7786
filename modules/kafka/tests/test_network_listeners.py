"""Network peers: a listener per network alias, peers producing, the host consuming.

One broker joins two networks with one listener each (``kafka:19092`` on the first,
``events:19093`` on the second); a client container on each network produces through its
alias while the test host consumes the same topic through the published port. A peer can
only succeed if the broker advertises back exactly the alias it was reached by.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from image_manifest import local_image

from dockyard.core import DockerContainer, Network
from dockyard.kafka import KafkaContainer

CLIENT_IMAGE = local_image("client")


@pytest.fixture(scope="module")
def networks() -> Iterator[tuple[Network, Network]]:
    with Network() as first, Network() as second:
        yield first, second


@pytest.fixture(scope="module")
def broker(networks: tuple[Network, Network]) -> Iterator[KafkaContainer]:
    first, second = networks
    container = (
        KafkaContainer()
        .with_network(first)
        .with_listener("kafka:19092")
        .with_network(second)
        .with_listener("events:19093")
    )
    with container:
        yield container


def _peer(network: Network) -> DockerContainer:
    return DockerContainer(CLIENT_IMAGE).with_network(network).with_command(["sleep", "600"])


@pytest.fixture(scope="module")
def peers(networks: tuple[Network, Network]) -> Iterator[tuple[DockerContainer, DockerContainer]]:
    first, second = networks
    with _peer(first) as one, _peer(second) as two:
        yield one, two


def test_each_listener_is_an_alias_on_its_network(
    broker: KafkaContainer, networks: tuple[Network, Network]
) -> None:
    first, second = networks
    assert broker.get_internal_bootstrap_servers() == ["kafka:19092", "events:19093"]
    assert broker.get_internal_bootstrap_servers(first) == ["kafka:19092"]
    assert broker.get_internal_bootstrap_servers(second) == ["events:19093"]
    assert broker.network_aliases(first) == ["kafka"]
    assert broker.network_aliases(second) == ["events"]
    attached = broker.get_wrapped_container().attrs["NetworkSettings"]["Networks"]
    assert "kafka" in (attached[first.name]["Aliases"] or [])
    assert "events" in (attached[second.name]["Aliases"] or [])


@pytest.mark.parametrize(("index", "bootstrap"), [(0, "kafka:19092"), (1, "events:19093")])
def test_peer_produces_through_its_alias_while_the_host_consumes(
    broker: KafkaContainer,
    peers: tuple[DockerContainer, DockerContainer],
    index: int,
    bootstrap: str,
    unique: Callable[[str], str],
    produce_from_peer: Callable[[DockerContainer, str, str, int], str],
) -> None:
    topic = unique("peer")
    broker.create_topics(topic)
    consumer = broker.consumer(topic)
    try:
        consumer.poll(timeout_ms=1000)  # joins the group before the peer produces
        output = produce_from_peer(peers[index], bootstrap, topic, 5)
        assert f"brokers advertised: ['{bootstrap}']" in output
        values: list[bytes] = []
        for _ in range(60):
            batches: dict[Any, list[Any]] = consumer.poll(timeout_ms=500)
            values.extend(r.value for records in batches.values() for r in records)
            if len(values) >= 5:
                break
    finally:
        consumer.close()
    assert values == [f"{bootstrap}/{i}".encode() for i in range(5)]


def test_host_still_uses_the_published_port(
    broker: KafkaContainer,
    unique: Callable[[str], str],
    consume: Callable[..., list[bytes]],
) -> None:
    topic = unique("host")
    broker.create_topics(topic)
    producer = broker.producer()
    try:
        producer.send(topic, b"from the host").get(timeout=30)
    finally:
        producer.close()
    assert consume(broker, topic, 1) == [b"from the host"]
