"""Kafka with dockyard-pytest: copy this test into your suite, nothing else to write.

    pip install dockyard-pytest dockyard-kafka
    pytest examples/kafka_fixtures.py           # or: python examples/kafka_fixtures.py

Every test gets a topic namespace: its topics and consumer groups carry a prefix no other
test or xdist worker uses on the one shared broker, and are deleted when it ends.
"""

from __future__ import annotations

from dockyard.kafka import TopicNamespace


def test_an_event_goes_round(dockyard_kafka_namespace: TopicNamespace) -> None:
    ns = dockyard_kafka_namespace
    ns.create_topics("orders")  # → t<pid>-<random>.orders, with a leader
    producer = ns.producer()
    producer.send(ns.topic("orders"), b"order 42").get(timeout=30)
    producer.close()
    consumer = ns.consumer("orders")  # a group of this namespace, from the start
    records = consumer.poll(timeout_ms=15000)
    consumer.close()
    assert [r.value for batch in records.values() for r in batch] == [b"order 42"]


if __name__ == "__main__":
    import sys

    import pytest

    # Installed, pytest loads the plugin by itself; -p also loads it from a source tree.
    sys.exit(pytest.main([__file__, "-q", "-p", "dockyard.pytest", "-p", "no:cacheprovider"]))
