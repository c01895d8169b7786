"""A Kafka broker the tests did not start (``--dockyard-kafka-url``).

The client side of ``KafkaContainer`` (producers, consumers, the admin client, topics that
have leaders when created, per-test topic namespaces) for brokers given by address.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from dockyard.core import ConfigurationError
from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from ._container import _new_topic, _wait_for_leaders
from ._namespace import TopicNamespace
from ._wait import new_admin

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


class ExternalKafka:
    """Running brokers at ``kafka://host:port[,host:port…]``."""

    def __init__(self, url: str) -> None:
        self.bootstrap_servers = parse_bootstrap(url)

    def describe(self) -> str:
        return f"the running broker {self.get_bootstrap_server()}"

    def get_bootstrap_server(self) -> str:
        return ",".join(self.bootstrap_servers)

    def _config(self, overrides: dict[str, Any], **defaults: Any) -> dict[str, Any]:
        return {"bootstrap_servers": self.bootstrap_servers, **defaults, **overrides}

    def producer(self, **kwargs: Any) -> KafkaProducer:
        return KafkaProducer(**self._config(kwargs))

    def consumer(
        self,
        *topics: str,
        group_id: str | None = None,
        auto_offset_reset: str = "earliest",
        **kwargs: Any,
    ) -> KafkaConsumer:
        config = self._config(kwargs, group_id=group_id, auto_offset_reset=auto_offset_reset)
        return KafkaConsumer(*topics, **config)

    def admin(self, **kwargs: Any) -> Any:
        return new_admin(self._config(kwargs))

    def create_topics(
        self,
        *topics: str,
        partitions: int = 1,
        replication_factor: int = 1,
        configs: dict[str, str] | None = None,
        exist_ok: bool = False,
        timeout: float = 30.0,
    ) -> list[str]:
        """As ``KafkaContainer.create_topics``: create, then wait for every leader."""
        if not topics:
            raise ConfigurationError("create_topics() needs at least one topic name.")
        new_topics: list[NewTopic] = [
            _new_topic(t, partitions, replication_factor, configs) for t in topics
        ]
        admin = self.admin()
        try:
            try:
                admin.create_topics(new_topics, timeout_ms=int(timeout * 1000))
            except TopicAlreadyExistsError:
                if not exist_ok:
                    raise
            _wait_for_leaders(admin, [t.name for t in new_topics], timeout)
        finally:
            admin.close()
        return [t.name for t in new_topics]

    @contextlib.contextmanager
    def topic_namespace(self) -> Iterator[TopicNamespace]:
        namespace = TopicNamespace(self)
        try:
            yield namespace
        finally:
            namespace.delete()
