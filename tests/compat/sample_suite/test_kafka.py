"""Order events: a KRaft broker, one topic, a message produced and consumed."""

import uuid

import pytest
from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic
from testcontainers.community.kafka import KafkaContainer, kafka_config


@pytest.fixture(scope="module")
def kafka():
    # Our network tests need the broker to advertise a single address.
    kafka_config.limit_broker_to_first_host = True
    with KafkaContainer().with_kraft() as container:
        yield container


def test_kraft_mode(kafka):
    assert kafka.kraft_enabled
    host, port = kafka.get_bootstrap_server().rsplit(":", 1)
    assert host == kafka.get_container_host_ip()
    assert int(port) == kafka.get_exposed_port(kafka.port)


def test_produce_and_consume(kafka):
    bootstrap = kafka.get_bootstrap_server()
    topic = f"orders-{uuid.uuid4().hex[:8]}"
    admin = KafkaAdminClient(bootstrap_servers=[bootstrap])
    try:
        admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
    finally:
        admin.close()

    producer = KafkaProducer(bootstrap_servers=[bootstrap])
    try:
        producer.send(topic, key=b"order-1", value=b'{"sku": "bolt", "qty": 3}').get(timeout=30)
    finally:
        producer.close()

    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=[bootstrap],
        auto_offset_reset="earliest",
        group_id="billing",
        consumer_timeout_ms=15000,
    )
    try:
        received = [(message.key, message.value) for message in consumer]
    finally:
        consumer.close()
    assert received == [(b"order-1", b'{"sku": "bolt", "qty": 3}')]
