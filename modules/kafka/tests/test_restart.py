"""start → stop → start: a broker again, advertising its new host port."""

from __future__ import annotations

from dockyard.kafka import KafkaContainer


def test_start_stop_start_serves_messages_each_time() -> None:
    kafka = KafkaContainer()
    ports = []
    for round_number in range(2):
        with kafka:
            ports.append(kafka.mapped_port(9092))
            topic = f"restart-{round_number}"
            kafka.create_topics(topic)
            producer = kafka.producer()
            try:
                producer.send(topic, b"hello").get(timeout=10)
            finally:
                producer.close()
            consumer = kafka.consumer(topic)
            try:
                records = consumer.poll(timeout_ms=10_000, max_records=1)
            finally:
                consumer.close()
            assert [r.value for batch in records.values() for r in batch] == [b"hello"]
    assert len(ports) == 2
