"""Quick start: a Kafka broker for the test host and for a container on a network.

Run (with the local images):
    DOCKYARD_IMAGE_SUBSTITUTIONS="$(python3 tools/images/image_manifest.py substitutions)" \
    PYTHONPATH=core:modules/kafka python modules/kafka/examples/quickstart.py
"""

from __future__ import annotations

from dockyard.core import DockerContainer, Network
from dockyard.kafka import KafkaContainer

PEER_SCRIPT = """
import sys
from kafka import KafkaProducer
producer = KafkaProducer(bootstrap_servers=sys.argv[1])
producer.send("orders", b"from a peer").get(timeout=30)
producer.close()
"""


def main() -> None:
    with Network() as network:
        kafka = KafkaContainer().with_network(network).with_listener("kafka:19092")
        with kafka:
            print("host clients bootstrap from", kafka.get_bootstrap_server())
            print("network peers bootstrap from", kafka.get_internal_bootstrap_servers())
            kafka.create_topics("orders", partitions=1)

            producer = kafka.producer()
            producer.send("orders", b"from the host").get(timeout=30)
            producer.close()

            peer = DockerContainer("dockyard.local/client:1").with_network(network)
            with peer.with_command(["sleep", "120"]) as client:
                result = client.exec(["python3", "-c", PEER_SCRIPT, "kafka:19092"])
                print("peer exit code:", result.exit_code)

            consumer = kafka.consumer("orders", consumer_timeout_ms=10000)
            for record in consumer:
                print("consumed:", record.value)
                if record.value == b"from a peer":
                    break
            consumer.close()


if __name__ == "__main__":
    main()
