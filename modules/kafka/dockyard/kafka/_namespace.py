"""Per-test topic namespaces: one broker shared by many tests and processes, no crosstalk.

A namespace is a prefix unique across processes (``t<pid>-<random>.``); its topics and
consumer groups carry it, and are deleted when the namespace ends.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from typing import TYPE_CHECKING, Any, Protocol

from kafka.errors import KafkaError

if TYPE_CHECKING:
    from kafka import KafkaConsumer, KafkaProducer

__all__ = ["Broker", "TopicNamespace"]


class Broker(Protocol):
    """What a namespace needs of its broker: a KafkaContainer, or a broker given by address."""

    def create_topics(
        self,
        *topics: str,
        partitions: int = ...,
        replication_factor: int = ...,
        configs: dict[str, str] | None = ...,
        exist_ok: bool = ...,
        timeout: float = ...,
    ) -> list[str]: ...

    def producer(self, **kwargs: Any) -> KafkaProducer: ...

    def consumer(
        self, *topics: str, group_id: str | None = None, **kwargs: Any
    ) -> KafkaConsumer: ...

    def admin(self, **kwargs: Any) -> Any: ...


class TopicNamespace:
    """Topic and group names of one test: ``topic("orders")`` → ``t123-ab12cd34.orders``."""

    def __init__(self, kafka: Broker, prefix: str | None = None) -> None:
        self.kafka = kafka
        self.prefix = prefix or f"t{os.getpid()}-{uuid.uuid4().hex[:8]}."

    def topic(self, name: str) -> str:
        return self.prefix + name

    def group(self, name: str = "group") -> str:
        """A consumer group id of this namespace, new at every call."""
        return f"{self.prefix}{name}-{uuid.uuid4().hex[:8]}"

    def create_topics(self, *names: str, **settings: Any) -> list[str]:
        return self.kafka.create_topics(*(self.topic(n) for n in names), **settings)

    def producer(self, **kwargs: Any) -> KafkaProducer:
        return self.kafka.producer(**kwargs)

    def consumer(self, *names: str, group_id: str | None = None, **kwargs: Any) -> KafkaConsumer:
        """A consumer of this namespace's topics, in a group of its own unless given one."""
        return self.kafka.consumer(
            *(self.topic(n) for n in names), group_id=group_id or self.group(), **kwargs
        )

    def topics(self) -> list[str]:
        with contextlib.closing(self.kafka.admin()) as admin:
            return sorted(t for t in admin.list_topics() if t.startswith(self.prefix))

    def delete(self) -> None:
        """Delete this namespace's topics and consumer groups (best effort)."""
        with contextlib.closing(self.kafka.admin()) as admin:
            topics = [t for t in admin.list_topics() if t.startswith(self.prefix)]
            if topics:
                with contextlib.suppress(KafkaError):
                    admin.delete_topics(topics)
            with contextlib.suppress(KafkaError):
                # kafka-python 3 names these list_groups/delete_groups, 2.x *_consumer_groups.
                listing = getattr(admin, "list_groups", None) or admin.list_consumer_groups
                deleting = getattr(admin, "delete_groups", None) or admin.delete_consumer_groups
                groups = [g for g in map(_group_id, listing()) if g.startswith(self.prefix)]
                if groups:
                    deleting(groups)


def _group_id(group: Any) -> str:
    """A group's id from a 2.x ``(id, protocol)`` tuple or a 3.x dict."""
    if isinstance(group, dict):
        return str(group.get("group_id") or group.get("group") or "")
    return str(group[0])
