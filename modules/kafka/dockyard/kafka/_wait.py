"""Kafka readiness: the broker answers a metadata request through the published port.

A log line ("Kafka Server started") only says the JVM got that far; a metadata answer
through ``host():mapped_port(9092)`` proves that the listener is bound, that Docker's port
forwarding reaches it and that the broker is serving requests. Each poll is cheap:

1. a raw ApiVersions round trip on a plain socket (Docker's proxy accepts connections
   before anything listens inside the container, then drops them — no answer, not ready);
2. only then a kafka-python admin client bootstraps with short timeouts and lists topics.

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

_API_VERSIONS_KEY = 18
_CLIENT_ID = b"dockyard-readiness"


def api_versions_answer(host: str, port: int, timeout: float) -> bool:
    """True when something speaking Kafka's protocol answers an ApiVersions request."""
    header = struct.pack(">hhih", _API_VERSIONS_KEY, 0, 1, len(_CLIENT_ID)) + _CLIENT_ID
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            sock.sendall(struct.pack(">i", len(header)) + header)
            answer = _recv_exactly(sock, 8)
    except OSError:
        return False
    if answer is None:
        return False
    size, correlation_id = struct.unpack(">ii", answer)
    return bool(correlation_id == 1 and size >= 4)


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


def probe_admin(bootstrap: str, timeout: float) -> Any:
    """An admin client that gives up after ``timeout`` seconds, for readiness polls."""
    timeout_ms = max(int(timeout * 1000), 100)
    return new_admin(
        client_config(
            bootstrap,
            KafkaAdminClient.DEFAULT_CONFIG,
            client_id="dockyard-readiness",
            request_timeout_ms=timeout_ms,
            bootstrap_timeout_ms=timeout_ms,  # kafka-python 3
            api_version_auto_timeout_ms=timeout_ms,  # kafka-python 2
            reconnect_backoff_max_ms=200,
        )
    )


def _dispose(admin: Any) -> None:
    for attribute, method in (("_client", "close"), ("_net", "stop")):
        part = getattr(admin, attribute, None)
        if part is not None:
            with contextlib.suppress(Exception):  # best effort: construction already failed
                getattr(part, method)()


def metadata_answer(host: str, port: int, timeout: float = 2.0) -> list[str]:
    """Topics listed by the broker at ``host:port``; raises while it cannot answer."""
    if not api_versions_answer(host, port, timeout):
        raise ConnectionError(f"no Kafka protocol answer on {host}:{port} yet")
    admin = probe_admin(f"{host}:{port}", timeout)
    try:
        return list(admin.list_topics())
    finally:
        admin.close()


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
