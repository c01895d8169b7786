"""The first real operation of each service, and the raw side's readiness polls.

Both sides of a case run the same first operation with the same client code, so the
difference in cycle time is the library's, not the client's. The raw side decides
readiness with the cheapest check that talks to the service itself, every ``interval``.
"""

from __future__ import annotations

import socket
import struct
import time
from collections.abc import Callable

import psycopg2
from kafka import KafkaAdminClient

__all__ = [
    "ProbeTimeout",
    "kafka_answers",
    "kafka_list_topics",
    "postgres_select_one",
    "redis_ping",
    "wait_until",
]

_API_VERSIONS = struct.pack(">hhih", 18, 0, 7, 5) + b"bench"


class ProbeTimeout(TimeoutError):
    """A raw container did not become ready in time (its service never answered)."""


def wait_until(
    check: Callable[[], bool],
    what: str,
    interval: float,
    timeout: float,
    alive: Callable[[], None] | None = None,
) -> None:
    """Call ``check`` every ``interval`` seconds until it returns True; failures mean "not yet".

    ``alive`` (raising when the container has exited) runs about once a second while not
    ready, so a dead service fails the cycle at once instead of after ``timeout``.
    """
    deadline = time.monotonic() + timeout
    next_alive = time.monotonic() + 1.0
    last_error: Exception | None = None
    while True:
        try:
            if check():
                return
        except Exception as exc:  # not ready yet: refused, reset, half-started server
            last_error = exc
        now = time.monotonic()
        if alive is not None and now >= next_alive:
            alive()
            next_alive = now + 1.0
        if now >= deadline:
            raise ProbeTimeout(f"{what} not ready within {timeout:g}s (last: {last_error!r})")
        time.sleep(interval)


def redis_ping(host: str, port: int, timeout: float = 1.0) -> bool:
    """A RESP ``PING`` on a fresh TCP connection; True on ``+PONG``."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(b"*1\r\n$4\r\nPING\r\n")
        return sock.recv(64).startswith(b"+PONG")


def postgres_select_one(
    host: str, port: int, user: str, password: str, dbname: str, timeout: int = 2
) -> bool:
    """``SELECT 1`` on a new connection (TCP: the image's init-phase server has none)."""
    connection = psycopg2.connect(
        host=host, port=port, user=user, password=password, dbname=dbname, connect_timeout=timeout
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            row = cursor.fetchone()
            return row is not None and row[0] == 1
    finally:
        connection.close()


def kafka_answers(host: str, port: int, timeout: float = 1.0) -> bool:
    """A raw ApiVersions round trip: the broker is up and speaks the protocol."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(struct.pack(">i", len(_API_VERSIONS)) + _API_VERSIONS)
        answer = b""
        while len(answer) < 8:  # size and correlation id
            piece = sock.recv(8 - len(answer))
            if not piece:
                return False  # Docker's port forwarder accepted, nothing listens inside yet
            answer += piece
    _size, correlation_id = struct.unpack(">ii", answer)
    return bool(correlation_id == 7)


def kafka_list_topics(bootstrap: str) -> list[str]:
    """The topics the broker lists, through kafka-python's admin client (a metadata call)."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="dockyard-bench")
    try:
        return list(admin.list_topics())
    finally:
        admin.close()
