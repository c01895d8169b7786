"""Topic namespaces: a prefix per test, topics and groups deleted afterwards."""

from __future__ import annotations

from dockyard.kafka import KafkaContainer


def test_two_namespaces_never_see_each_others_messages(kafka: KafkaContainer) -> None:
    with kafka.topic_namespace() as first, kafka.topic_namespace() as second:
        assert first.prefix != second.prefix
        for namespace, word in ((first, b"one"), (second, b"two")):
            namespace.create_topics("events")
            producer = namespace.producer()
            try:
                producer.send(namespace.topic("events"), word).get(timeout=10)
            finally:
                producer.close()
        for namespace, word in ((first, b"one"), (second, b"two")):
            consumer = namespace.consumer("events")
            try:
                records = consumer.poll(timeout_ms=10_000, max_records=10)
            finally:
                consumer.close()
            assert [r.value for batch in records.values() for r in batch] == [word]
        assert first.topics() == [first.topic("events")]
    with kafka.topic_namespace() as after:
        assert first.prefix not in " ".join(after.kafka.admin().list_topics())
