"""A Kafka broker the tests did not start (``--dockyard-kafka-url``): the client side of
``KafkaContainer`` (``KafkaClients``) for brokers given by address.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from dockyard.core import ConfigurationError

from ._clients import KafkaClients

__all__ = ["ExternalKafka", "parse_bootstrap"]


def parse_bootstrap(url: str) -> list[str]:
    """``kafka://host:9092,host2:9092`` or ``host:9092,host2:9092`` → the ``host:port`` list."""
    text = url.strip()
    if "://" in text:
        scheme, _, text = text.partition("://")
        if scheme not in ("kafka", "plaintext", "PLAINTEXT"):
            raise ConfigurationError(
                f"{url!r}: a Kafka broker is kafka://host:9092 or host:9092 (plaintext only)"
            )
    servers = [server.strip() for server in text.rstrip("/").split(",") if server.strip()]
    for server in servers:
        try:
            port = urlsplit(f"//{server}").port
        except ValueError:
            port = None
        if port is None:
            raise ConfigurationError(f"{url!r}: {server!r} is no host:port of a Kafka broker")
    if not servers:
        raise ConfigurationError(f"{url!r} names no broker: write kafka://host:9092")
    return servers


class ExternalKafka(KafkaClients):
    """Running brokers at ``kafka://host:port[,host:port…]``."""

    def __init__(self, url: str) -> None:
        self.bootstrap_servers = parse_bootstrap(url)

    def describe(self) -> str:
        return f"the running broker {self.get_bootstrap_server()}"

    def get_bootstrap_server(self) -> str:
        return ",".join(self.bootstrap_servers)
