"""Shared fixtures and helpers for the Kafka module's tests.

The tests start the upstream image name (``apache/kafka:4.1.1``); the test run maps it to
the local build with ``DOCKYARD_IMAGE_SUBSTITUTIONS``. A Kafka start costs seconds, so each
test file shares its broker(s) through module-scoped fixtures.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from image_manifest import local_image

from dockyard.core import DockerContainer
from dockyard.kafka import KafkaContainer

DATA_DIR = Path(__file__).resolve().parent / "data"

#: A network peer with python3 + kafka-python (tools/images/images.toml).
CLIENT_IMAGE = local_image("client")

#: A fixed, valid KRaft cluster id (22 characters of URL-safe base64 = 16 bytes).
CLUSTER_ID = "ZG9ja3lhcmQta2Fma2EtMQ"


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def unique() -> Callable[[str], str]:
    """``unique(prefix)``: a fresh topic / group / label name, so tests sharing a broker
    never collide."""
    return _unique


@pytest.fixture(scope="module")
def kafka() -> Iterator[KafkaContainer]:
    """One broker for the host-side tests of a module."""
    with KafkaContainer().with_cluster_id(CLUSTER_ID) as broker:
        yield broker


def _consume(broker: KafkaContainer, topic: str, count: int, timeout: float = 30.0) -> list[bytes]:
    consumer = broker.consumer(topic, group_id=_unique("group"))
    values: list[bytes] = []
    try:
        deadline = time.monotonic() + timeout
        while len(values) < count and time.monotonic() < deadline:
            batches: dict[Any, list[Any]] = consumer.poll(timeout_ms=500)
            for records in batches.values():
                values.extend(record.value for record in records)
    finally:
        consumer.close()
    return values


@pytest.fixture
def consume() -> Callable[..., list[bytes]]:
    """``consume(broker, topic, count)``: read ``count`` values of ``topic`` from the host,
    from the beginning, with a fresh consumer group."""
    return _consume


def _produce_from_peer(peer: DockerContainer, bootstrap: str, topic: str, count: int) -> str:
    script = (DATA_DIR / "produce.py").read_text()
    result = peer.exec(["python3", "-c", script, bootstrap, topic, str(count)])
    output = result.output.decode(errors="replace")
    assert result.exit_code == 0, f"producer in peer failed ({result.exit_code}):\n{output}"
    return output


@pytest.fixture
def produce_from_peer() -> Callable[[DockerContainer, str, str, int], str]:
    """``produce_from_peer(peer, bootstrap, topic, count)``: run tests/data/produce.py inside
    the peer container against ``bootstrap`` (a network alias); returns its output."""
    return _produce_from_peer
