"""Kafka readiness: the broker answers a metadata request through the published port.

A log line ("Kafka Server started") only says the JVM got that far; a metadata answer
through ``host():mapped_port(9092)`` proves that the listener is bound, that Docker's port
forwarding reaches it and that the broker is serving requests. Each poll is one round trip
of Kafka's own protocol on a plain socket, about a millisecond: ApiVersions, then a
Metadata request (v4, the oldest Kafka 4 still serves; 1.0 and later know it) whose
answer must name at least one broker. Docker's proxy accepts
connections before anything listens inside the container, then drops them: no answer,
not ready.

A broker that exits while starting is core's business: the poll loop notices the exit at
once and raises ``ContainerStartupError`` with the exit code and the last log lines.
"""

from __future__ import annotations

import contextlib
import socket
import struct
from typing import Any

from dockyard.core import PollingWaitStrategy, WaitTarget
from kafka import KafkaAdminClient

from ._listeners import KAFKA_PORT

_CLIENT_ID = b"dockyard-readiness"


def _recv_exactly(sock: socket.socket, count: int) -> bytes | None:
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def client_config(bootstrap: str, config_keys: dict[str, Any], **wanted: Any) -> dict[str, Any]:
    """Keep only the settings this kafka-python version knows (2.x and 3.x differ)."""
    config: dict[str, Any] = {"bootstrap_servers": bootstrap}
    config.update({key: value for key, value in wanted.items() if key in config_keys})
    return config


def new_admin(config: dict[str, Any]) -> Any:
    """A ``KafkaAdminClient``; if it fails to bootstrap, nothing is leaked.

    kafka-python 3 starts its IO thread before bootstrapping and keeps it running when
    the constructor raises, so a failed construction is cleaned up here.
    """
    admin = KafkaAdminClient.__new__(KafkaAdminClient)
    try:
        admin.__init__(**config)
    except BaseException:
        _dispose(admin)
        raise
    return admin


def _dispose(admin: Any) -> None:
    for attribute, method in (("_client", "close"), ("_net", "stop")):
        part = getattr(admin, attribute, None)
        if part is not None:
            with contextlib.suppress(Exception):  # best effort: construction already failed
                getattr(part, method)()


_METADATA_KEY = 3


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.offset = 0

    def take(self, fmt: str) -> Any:
        (value,) = struct.unpack_from(fmt, self.data, self.offset)
        self.offset += struct.calcsize(fmt)
        return value

    def string(self) -> str:
        size = self.take(">h")
        text = self.data[self.offset : self.offset + max(size, 0)].decode(errors="replace")
        self.offset += max(size, 0)
        return text


def _request(
    sock: socket.socket, api_key: int, version: int, correlation_id: int, body: bytes
) -> bytes:
    header = struct.pack(">hhih", api_key, version, correlation_id, len(_CLIENT_ID)) + _CLIENT_ID
    sock.sendall(struct.pack(">i", len(header) + len(body)) + header + body)
    size_bytes = _recv_exactly(sock, 4)
    if size_bytes is None:
        raise ConnectionError("the broker closed the connection without an answer")
    (size,) = struct.unpack(">i", size_bytes)
    answer = _recv_exactly(sock, size)
    if answer is None:
        raise ConnectionError("the broker closed the connection mid-answer")
    if struct.unpack_from(">i", answer)[0] != correlation_id:
        raise ConnectionError("the answer does not belong to the request")
    return answer[4:]


def metadata_answer(host: str, port: int, timeout: float = 2.0) -> list[str]:
    """Topics listed by the broker at ``host:port`` (raw Metadata v4); raises
    ConnectionError while it cannot answer (no Kafka answer, or no broker listed yet)."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            # topics: null (all of them); allow_auto_topic_creation: false
            answer = _request(sock, _METADATA_KEY, 4, 2, struct.pack(">ib", -1, 0))
        return _topics(answer, host, port)
    except (OSError, struct.error) as exc:
        raise ConnectionError(f"no Kafka metadata answer on {host}:{port} yet: {exc}") from exc


def _topics(answer: bytes, host: str, port: int) -> list[str]:
    reader = _Reader(answer)
    reader.take(">i")  # throttle time
    brokers = reader.take(">i")
    for _ in range(brokers):
        reader.take(">i")  # node id
        reader.string()
        reader.take(">i")  # port
        reader.string()  # rack (nullable)
    if brokers < 1:
        raise ConnectionError(f"the broker on {host}:{port} lists no brokers yet")
    reader.string()  # cluster id (nullable)
    reader.take(">i")  # controller id
    topics = []
    for _ in range(reader.take(">i")):
        reader.take(">h")
        topics.append(reader.string())
        reader.take(">b")  # is internal
        for _ in range(reader.take(">i")):
            reader.offset += 10  # int16 error, int32 partition, int32 leader
            for _ in range(2):  # replicas, in-sync replicas
                count = reader.take(">i")
                reader.offset += 4 * count
    return topics


class KafkaMetadataWaitStrategy(PollingWaitStrategy):
    """Ready when the broker answers a metadata request through ``mapped_port(9092)``."""

    def __init__(self, port: int = KAFKA_PORT, request_timeout: float = 2.0) -> None:
        super().__init__()
        self._port = port
        self._request_timeout = request_timeout

    def is_ready(self, target: WaitTarget) -> bool:
        metadata_answer(target.host(), target.mapped_port(self._port), self._request_timeout)
        return True

    def describe(self) -> str:
        return f"Kafka metadata answer on container port {self._port}"
