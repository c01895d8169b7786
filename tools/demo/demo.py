"""Dockyard in one minute: PostgreSQL, Redis and Kafka on one network.

Prints where each service is reachable from this host and from its peers, then does one
query, one PING and one produce-and-consume. Run it with `tools/dev demo`.
"""

from __future__ import annotations

import time

from sqlalchemy import text

from dockyard.core import Network, start_all
from dockyard.kafka import KafkaContainer
from dockyard.postgres import PostgresContainer
from dockyard.redis import RedisContainer


def main() -> None:
    began = time.monotonic()
    with Network() as network:
        postgres = PostgresContainer().with_network(network).with_network_aliases("db")
        redis = RedisContainer().with_network(network).with_network_aliases("cache")
        kafka = KafkaContainer().with_network(network).with_listener("broker:19092")
        start_all(postgres, redis, kafka)
        try:
            print(f"all three ready in {time.monotonic() - began:.1f}s on network {network.name}\n")
            print(f"{'service':<10} {'from this host':<24} {'from the network'}")
            print(f"{'postgres':<10} {postgres.host()}:{postgres.mapped_port(5432):<14} db:5432")
            print(f"{'redis':<10} {redis.host()}:{redis.mapped_port(6379):<14} cache:6379")
            print(f"{'kafka':<10} {kafka.get_bootstrap_server():<24} broker:19092\n")

            with postgres.get_engine().connect() as connection:
                version = connection.execute(text("select version()")).scalar_one()
            print(f"postgres  select version() -> {str(version).split(' on ')[0]}")

            print(f"redis     PING -> {redis.get_client().ping()}")

            kafka.create_topics("demo")
            producer = kafka.producer()
            producer.send("demo", b"hello, dockyard").get(timeout=30)
            producer.close()
            consumer = kafka.consumer("demo", group_id="demo", consumer_timeout_ms=20_000)
            received = next(iter(consumer)).value
            consumer.close()
            print(f"kafka     produced and consumed -> {received.decode()}")
        finally:
            for container in (kafka, redis, postgres):
                container.stop()
    print(f"\ndone in {time.monotonic() - began:.1f}s; containers and network removed")


if __name__ == "__main__":
    main()
