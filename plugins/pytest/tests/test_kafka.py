"""Kafka's fixtures: a topic namespace per test on one broker, the factory, a running broker."""

from __future__ import annotations

import pytest
from conftest import RunPytest

from dockyard.kafka import KafkaContainer

TESTS = """
SEEN = []

def roundtrip(ns, text):
    ns.create_topics("events")
    producer = ns.producer()
    producer.send(ns.topic("events"), text.encode()).get(timeout=30)
    producer.close()
    consumer = ns.consumer("events")
    got = [r.value for batch in consumer.poll(timeout_ms=15000).values() for r in batch]
    consumer.close()
    return got

def test_first(dockyard_kafka_namespace):
    assert roundtrip(dockyard_kafka_namespace, "first") == [b"first"]
    SEEN.append(dockyard_kafka_namespace.prefix)

def test_second(dockyard_kafka_namespace):
    assert dockyard_kafka_namespace.prefix != SEEN[0]
    assert roundtrip(dockyard_kafka_namespace, "second") == [b"second"]
    assert dockyard_kafka_namespace.topics() == [dockyard_kafka_namespace.topic("events")]
    import contextlib
    with contextlib.closing(dockyard_kafka_namespace.kafka.admin()) as admin:
        assert not [t for t in admin.list_topics() if t.startswith(SEEN[0])]   # deleted
"""

FACTORY = """
import pytest

@pytest.fixture(scope="session")
def dockyard_kafka(dockyard_kafka_factory):
    return dockyard_kafka_factory(cluster_id="AAAAAAAAAAAAAAAAAAAAAA",
                                  env={"KAFKA_NUM_PARTITIONS": 3})

def test_factory(dockyard_kafka):
    assert dockyard_kafka.cluster_id == "AAAAAAAAAAAAAAAAAAAAAA"
    assert dockyard_kafka.running.attrs["Config"]["Env"].count("KAFKA_NUM_PARTITIONS=3") == 1
"""


def test_each_test_gets_a_namespace_of_its_own_on_a_broker_from_the_factory(
    pytester: pytest.Pytester, inner: RunPytest, label: str
) -> None:
    pytester.makepyfile(TESTS + FACTORY)
    inner("--dockyard-label", label).assert_outcomes(passed=3)


def test_a_running_broker_is_used_without_an_engine(
    pytester: pytest.Pytester, inner: RunPytest, monkeypatch: pytest.MonkeyPatch, closed_port: int
) -> None:
    with KafkaContainer() as broker:
        url = f"kafka://{broker.get_bootstrap_server()}"
        monkeypatch.setenv("DOCKER_HOST", f"tcp://127.0.0.1:{closed_port}")
        pytester.makepyfile(TESTS)
        inner("--dockyard-kafka-url", url).assert_outcomes(passed=2)
