"""The client side of a broker, one contract for a container and brokers given by address:
producers, consumers in groups of their own, the admin client, topics that have leaders
when created, per-test topic namespaces.

A class mixing this in provides ``get_bootstrap_server()``.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from dockyard.core import ConfigurationError
from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import TopicAlreadyExistsError

from ._namespace import TopicNamespace
from ._wait import new_admin

__all__ = ["KafkaClients"]


class KafkaClients:
    if TYPE_CHECKING:  # what the class mixing this in provides

        def get_bootstrap_server(self) -> str: ...

    def _client_config(self, overrides: dict[str, Any], **defaults: Any) -> dict[str, Any]:
        config: dict[str, Any] = {"bootstrap_servers": self.get_bootstrap_server(), **defaults}
        config.update(overrides)
        return config

    def producer(self, **kwargs: Any) -> KafkaProducer:
        """A ``kafka.KafkaProducer`` for this broker; ``kwargs`` go to kafka-python."""
        return KafkaProducer(**self._client_config(kwargs))

    def consumer(
        self,
        *topics: str,
        group_id: str | None = None,
        auto_offset_reset: str = "earliest",
        **kwargs: Any,
    ) -> KafkaConsumer:
        """A ``kafka.KafkaConsumer`` subscribed to ``topics``, reading from the beginning.

        Without ``group_id`` it joins a fresh group of its own (so it sees every message).
        """
        config = self._client_config(
            kwargs,
            group_id=group_id or f"dockyard-{uuid.uuid4().hex[:12]}",
            auto_offset_reset=auto_offset_reset,
        )
        return KafkaConsumer(*topics, **config)

    def admin(self, **kwargs: Any) -> KafkaAdminClient:
        """A ``kafka.admin.KafkaAdminClient`` for this broker (use it with ``with``)."""
        return new_admin(self._client_config(kwargs))

    @contextlib.contextmanager
    def topic_namespace(self) -> Iterator[TopicNamespace]:
        """Topics and groups of one test, under a prefix unique across processes; they are
        deleted when the ``with`` block ends."""
        namespace = TopicNamespace(self)
        try:
            yield namespace
        finally:
            namespace.delete()

    def create_topics(
        self,
        *topics: str | NewTopic,
        partitions: int = 1,
        replication_factor: int = 1,
        configs: dict[str, str] | None = None,
        exist_ok: bool = False,
        timeout: float = 30.0,
    ) -> list[str]:
        """Create topics (names or ``NewTopic``) and wait until each partition has a leader.

        Names get ``partitions``, ``replication_factor`` and ``configs``; a ``NewTopic``
        keeps its own. Returns the topic names in order.
        """
        if not topics:
            raise ConfigurationError("create_topics() needs at least one topic name or NewTopic.")
        if partitions < 1 or replication_factor < 1:
            raise ConfigurationError(
                f"partitions ({partitions}) and replication_factor ({replication_factor}) must "
                "be at least 1 (this is a single broker: use replication_factor=1)."
            )
        new_topics = [_new_topic(t, partitions, replication_factor, configs) for t in topics]
        names = [t.name for t in new_topics]
        admin = self.admin()
        try:
            try:
                admin.create_topics(new_topics, timeout_ms=int(timeout * 1000))
            except TopicAlreadyExistsError:
                if not exist_ok:
                    raise
            _wait_for_leaders(admin, names, timeout)
        finally:
            admin.close()
        return names


def _new_topic(
    topic: str | NewTopic,
    partitions: int,
    replication_factor: int,
    configs: dict[str, str] | None,
) -> NewTopic:
    if isinstance(topic, NewTopic):
        return topic
    if not isinstance(topic, str) or not topic:
        raise ConfigurationError(f"A topic is a non-empty name or a NewTopic, got {topic!r}.")
    return NewTopic(topic, partitions, replication_factor, topic_configs=dict(configs or {}))


def _wait_for_leaders(admin: Any, names: Iterable[str], timeout: float) -> None:
    """Block until every partition of ``names`` has a leader (producers then succeed first try)."""
    wanted = set(names)
    deadline = time.monotonic() + timeout
    while True:
        ready: set[str] = set()
        for topic in admin.describe_topics(list(wanted)):
            name = topic.get("name", topic.get("topic"))
            parts = topic.get("partitions") or []
            leaders = [p.get("leader_id", p.get("leader", -1)) for p in parts]
            if topic.get("error_code", 0) == 0 and parts and all(x >= 0 for x in leaders):
                ready.add(name)
        if wanted <= ready:
            return
        if time.monotonic() >= deadline:
            raise TimeoutError(
                f"Topics {sorted(wanted - ready)} have no leader after {timeout:g}s."
            )
        time.sleep(0.05)
