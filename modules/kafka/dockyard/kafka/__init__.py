"""Dockyard Kafka: Apache Kafka (KRaft) containers for tests.

>>> from dockyard.kafka import KafkaContainer
>>> with KafkaContainer() as kafka:
...     kafka.create_topics("orders")
...     kafka.producer().send("orders", b"hello").get(timeout=10)

The broker advertises ``host():mapped_port(9092)`` to the test host, its own hostname to
itself, and — per ``with_listener("alias:port")`` — ``alias:port`` to containers on a
Docker network.
"""

from ._container import (
    DEFAULT_IMAGE,
    START_SCRIPT,
    KafkaConfig,
    KafkaContainer,
    check_cluster_id,
    kafka_config,
    random_cluster_id,
)
from ._listeners import (
    BROKER_PORT,
    CONTROLLER_PORT,
    KAFKA_PORT,
    KafkaListenerError,
    Listener,
    parse_listener,
)
from ._namespace import TopicNamespace
from ._wait import KafkaMetadataWaitStrategy, metadata_answer

__all__ = [
    "BROKER_PORT",
    "CONTROLLER_PORT",
    "DEFAULT_IMAGE",
    "KAFKA_PORT",
    "START_SCRIPT",
    "KafkaConfig",
    "KafkaContainer",
    "KafkaListenerError",
    "KafkaMetadataWaitStrategy",
    "Listener",
    "TopicNamespace",
    "check_cluster_id",
    "kafka_config",
    "metadata_answer",
    "parse_listener",
    "random_cluster_id",
]
