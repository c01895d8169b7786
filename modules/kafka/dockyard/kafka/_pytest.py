"""The pytest fixtures of dockyard-kafka, registered by dockyard-pytest.

Found through this distribution's entry point (group ``dockyard.pytest``). One broker per
session, shared by every xdist worker and process on the engine; each test gets a topic
namespace (a prefix unique across processes) whose topics and groups go when it ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Protocol

import pytest

from dockyard.pytest import DockyardRun, add_service_options

from ._container import KafkaContainer
from ._external import ExternalKafka
from ._namespace import TopicNamespace

__all__ = [
    "KafkaFactory",
    "dockyard_kafka",
    "dockyard_kafka_factory",
    "dockyard_kafka_namespace",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    add_service_options(parser, "kafka", example="kafka://localhost:9092")


class KafkaFactory(Protocol):
    """``dockyard_kafka_factory(...)``: a started broker of these settings."""

    def __call__(
        self,
        image: str | None = None,
        *,
        cluster_id: str | None = None,
        env: Mapping[str, str | int] | None = None,
        configure: Callable[[KafkaContainer], KafkaContainer] | None = None,
    ) -> KafkaContainer: ...


def _reach(container: KafkaContainer) -> str:
    return f"bootstrap server {container.get_bootstrap_server()}"


@pytest.fixture(scope="session")
def dockyard_kafka_factory(dockyard: DockyardRun, request: pytest.FixtureRequest) -> KafkaFactory:
    """Start Kafka brokers of your own settings for the session:
    ``dockyard_kafka_factory(image=…, cluster_id=…, env={"KAFKA_…": …}, configure=fn)``;
    shared like the default one."""

    def make(
        image: str | None = None,
        *,
        cluster_id: str | None = None,
        env: Mapping[str, str | int] | None = None,
        configure: Callable[[KafkaContainer], KafkaContainer] | None = None,
    ) -> KafkaContainer:
        container = KafkaContainer(
            image or dockyard.image("kafka", KafkaContainer.default_image), cluster_id=cluster_id
        )
        for key, value in (env or {}).items():
            container.with_env(key, value)
        if configure is not None:
            container = configure(container)
        return dockyard.start(dockyard.share(container), request, reach=_reach)

    return make


@pytest.fixture(scope="session")
def dockyard_kafka(
    dockyard: DockyardRun, dockyard_kafka_factory: KafkaFactory
) -> KafkaContainer | ExternalKafka:
    """The session's Kafka broker: a ``KafkaContainer`` shared by every xdist worker and
    process on the engine, or, with --dockyard-kafka-url, an ``ExternalKafka`` on those
    brokers (same producer, consumer, admin and topic methods)."""
    url = dockyard.service_url("kafka")
    return dockyard_kafka_factory() if url is None else ExternalKafka(url)


@pytest.fixture
def dockyard_kafka_namespace(
    dockyard: DockyardRun,
    dockyard_kafka: KafkaContainer | ExternalKafka,
    request: pytest.FixtureRequest,
) -> Iterator[TopicNamespace]:
    """This test's topics and consumer groups: ``topic(name)``, ``group()``,
    ``create_topics(*names)``, ``producer()``, ``consumer(*names)``, all under a prefix no
    other test or process uses; deleted when the test ends."""
    namespace = TopicNamespace(dockyard_kafka)
    yield namespace
    if dockyard.keep(request.node):
        dockyard.note_kept(
            f"kafka topics {namespace.prefix}* of {request.node.nodeid} on "
            f"{dockyard_kafka.get_bootstrap_server()}"
        )
        return
    namespace.delete()
