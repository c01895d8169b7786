"""Runs inside the client container: produce COUNT messages to TOPIC through BOOTSTRAP.

Usage: python3 -c "$(cat produce.py)" BOOTSTRAP TOPIC COUNT
The bootstrap address is a network alias (``kafka:19092``); the broker must advertise that
same alias back, otherwise the producer cannot reach the partition leader and fails.
"""

import sys

from kafka import KafkaProducer

bootstrap, topic, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
producer = KafkaProducer(bootstrap_servers=bootstrap, request_timeout_ms=15000)
for index in range(count):
    producer.send(topic, f"{bootstrap}/{index}".encode()).get(timeout=30)
producer.flush(timeout=30)
metadata = getattr(producer, "_metadata", None)  # kafka-python's cluster view, if exposed
brokers = sorted(f"{b.host}:{b.port}" for b in metadata.brokers()) if metadata else []
producer.close()
print(f"sent {count} to {topic} via {bootstrap}; brokers advertised: {brokers}")
