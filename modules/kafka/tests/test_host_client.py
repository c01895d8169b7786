"""A broker used from the test host: advertised address, helpers, produce and consume."""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest
from kafka.admin import NewTopic
from kafka.serializer import DeserializeWrapper, SerializeWrapper

from dockyard.kafka import KafkaContainer, metadata_answer

#: The cluster id the ``kafka`` fixture of conftest.py sets with ``with_cluster_id``.
CLUSTER_ID = "ZG9ja3lhcmQta2Fma2EtMQ"


def test_bootstrap_server_is_the_host_and_mapped_port(kafka: KafkaContainer) -> None:
    assert kafka.get_bootstrap_server() == f"{kafka.host()}:{kafka.mapped_port(9092)}"


def test_broker_advertises_the_host_address(kafka: KafkaContainer) -> None:
    with kafka.admin() as admin:
        cluster = admin.describe_cluster()
    brokers = {f"{b['host']}:{b['port']}" for b in cluster["brokers"]}
    assert brokers == {kafka.get_bootstrap_server()}
    assert cluster["cluster_id"] == CLUSTER_ID == kafka.cluster_id


def test_produce_and_consume_from_the_host(
    kafka: KafkaContainer,
    unique: Callable[[str], str],
    consume: Callable[..., list[bytes]],
) -> None:
    topic = unique("host")
    assert kafka.create_topics(topic) == [topic]
    producer = kafka.producer()
    try:
        for index in range(10):
            producer.send(topic, f"message {index}".encode()).get(timeout=30)
    finally:
        producer.close()
    assert consume(kafka, topic, 10) == [f"message {index}".encode() for index in range(10)]


def test_create_topics_with_partitions_and_new_topic(
    kafka: KafkaContainer, unique: Callable[[str], str]
) -> None:
    plain, custom = unique("plain"), unique("custom")
    created = kafka.create_topics(plain, NewTopic(custom, 2, 1), partitions=3)
    assert created == [plain, custom]
    with kafka.admin() as admin:
        topics = admin.describe_topics([plain, custom])
        described = {t["name"]: len(t["partitions"]) for t in topics}
        assert {plain, custom} <= set(admin.list_topics())
    assert described == {plain: 3, custom: 2}


def test_helpers_accept_client_settings(
    kafka: KafkaContainer, unique: Callable[[str], str]
) -> None:
    topic = unique("settings")
    kafka.create_topics(topic)
    # kafka-python 3 deprecates plain callables as (de)serializers: its wrappers take them.
    producer = kafka.producer(
        value_serializer=SerializeWrapper(str.encode), client_id="dockyard-test"
    )
    try:
        producer.send(topic, "hello").get(timeout=30)
    finally:
        producer.close()
    consumer = kafka.consumer(
        topic, value_deserializer=DeserializeWrapper(bytes.decode), consumer_timeout_ms=15000
    )
    try:
        assert next(iter(consumer)).value == "hello"
    finally:
        consumer.close()


def test_readiness_probe_needs_a_kafka_answer(
    kafka: KafkaContainer, unique: Callable[[str], str]
) -> None:
    topic = kafka.create_topics(unique("probe"))[0]
    assert topic in metadata_answer(kafka.host(), kafka.mapped_port(9092))
    # A listening socket that is not Kafka (like Docker's port proxy before the broker
    # listens) is "not ready": no metadata answer.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        with pytest.raises(ConnectionError):
            metadata_answer("127.0.0.1", port, timeout=0.3)
