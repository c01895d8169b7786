"""Listener specs: parsing, naming, and clear errors raised before any container exists."""

from __future__ import annotations

from collections.abc import Callable

import docker
import pytest

from dockyard.core import ConfigurationError, Network
from dockyard.kafka import KafkaContainer, KafkaListenerError


def test_spec_becomes_a_named_listener_with_its_alias() -> None:
    with Network() as network:
        container = KafkaContainer().with_network(network).with_listener("kafka:19092")
        (listener,) = container.listeners
        assert (listener.name, listener.alias, listener.port) == ("NETWORK1", "kafka", 19092)
        assert container.get_internal_bootstrap_servers() == ["kafka:19092"]


def test_listeners_are_numbered_and_may_be_named() -> None:
    with Network() as first, Network() as second:
        container = (
            KafkaContainer()
            .with_network(first)
            .with_listener("kafka:19092")
            .with_network(second)
            .with_listener("EXTERNAL://broker.other:19093")
            .with_listener("third:19094", network=first, name="peers")
        )
        names = [(lst.name, lst.address) for lst in container.listeners]
        assert names == [
            ("NETWORK1", "kafka:19092"),
            ("EXTERNAL", "broker.other:19093"),
            ("PEERS", "third:19094"),
        ]


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ("kafka", "has no port"),
        ("kafka:", "has no port"),
        ("kafka:abc", "is not a number"),
        ("kafka:-1", "is not a number"),
        ("kafka:70000", "out of range"),
        (":19092", "empty alias"),
        ("  :19092", "empty alias"),
        ("kaf ka:19092", "not a valid host name"),
        ("kafka:9092", "reserved"),
        ("kafka:9093", "reserved"),
        ("kafka:9094", "reserved"),
    ],
)
def test_bad_spec_says_what_to_write(spec: str, says: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        KafkaContainer().with_listener(spec)
    assert isinstance(caught.value, KafkaListenerError)
    message = str(caught.value)
    assert says in message
    assert "kafka:19092" in message  # an example of what to write instead


def test_port_used_twice_is_refused() -> None:
    container = KafkaContainer().with_listener("kafka:19092")
    with pytest.raises(KafkaListenerError, match="already used by listener NETWORK1"):
        container.with_listener("other:19092")


def test_reserved_listener_names_are_refused() -> None:
    with pytest.raises(KafkaListenerError, match="reserved"):
        KafkaContainer().with_listener("BROKER://kafka:19092")


@pytest.mark.parametrize("cluster_id", ["", "short", "not base64 at all!!!!!", "x" * 30])
def test_bad_cluster_id_is_refused(cluster_id: str) -> None:
    with pytest.raises(ConfigurationError, match="22 characters"):
        KafkaContainer().with_cluster_id(cluster_id)


def test_listener_without_network_fails_at_start_and_leaves_no_container(
    unique: Callable[[str], str],
) -> None:
    label = unique("dockyard-kafka-test")
    container = (
        KafkaContainer().with_label("dockyard.kafka.test", label).with_listener("kafka:19092")
    )
    with pytest.raises(KafkaListenerError, match="with_network"):
        container.start()
    client = docker.from_env()
    try:
        left = client.containers.list(all=True, filters={"label": f"dockyard.kafka.test={label}"})
    finally:
        client.close()
    assert left == []
