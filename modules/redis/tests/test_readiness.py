"""Readiness: a real PING, waiting out LOADING, and the classification of errors."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from redis.exceptions import (
    AuthenticationError,
    BusyLoadingError,
    ConnectionError,
    NoPermissionError,
    ResponseError,
    TimeoutError,
)

from dockyard.core import NotReady, ReadinessAbort
from dockyard.redis import RedisContainer, RedisPingWaitStrategy, is_fatal_ping_error


# -- classification (no Docker) ---------------------------------------------------
@pytest.mark.parametrize(
    "error",
    [
        BusyLoadingError("Redis is loading the dataset in memory"),
        ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused."),
        ConnectionError("Connection reset by peer"),
        TimeoutError("Timeout reading from socket"),
        ResponseError("BUSY Redis is busy running a script"),
        OSError("network unreachable"),
    ],
)
def test_transient_errors_mean_not_yet(error: Exception) -> None:
    assert not is_fatal_ping_error(error)


@pytest.mark.parametrize(
    "error",
    [
        AuthenticationError("invalid username-password pair or user is disabled."),
        AuthenticationError("Authentication required."),
        NoPermissionError("this user has no permissions to run the 'ping' command"),
        ResponseError("DENIED Redis is running in protected mode"),
    ],
)
def test_refusals_are_fatal(error: Exception) -> None:
    assert is_fatal_ping_error(error)


class _CannedRedis:
    """A TCP server answering every command with one canned RESP reply."""

    def __init__(self, reply: bytes) -> None:
        self.reply = reply
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            while data := conn.recv(65536):
                commands = sum(1 for line in data.split(b"\r\n") if line.startswith(b"*"))
                conn.sendall(self.reply * max(commands, 1))

    def close(self) -> None:
        self.sock.close()


class _FakeTarget:
    """Just enough of core's WaitTarget for ``is_ready``."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.container: Any = None

    def host(self) -> str:
        return "127.0.0.1"

    def mapped_port(self, port: Any) -> int:
        return self.port


@pytest.fixture()
def canned() -> Iterator[Callable[[bytes], _CannedRedis]]:
    servers: list[_CannedRedis] = []

    def make(reply: bytes) -> _CannedRedis:
        server = _CannedRedis(reply)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.close()


def test_loading_reply_is_not_yet(canned: Callable[[bytes], _CannedRedis]) -> None:
    server = canned(b"-LOADING Redis is loading the dataset in memory\r\n")
    strategy = RedisPingWaitStrategy()
    with pytest.raises(NotReady, match=r"LOADING|loading"):  # poll again
        strategy.is_ready(_FakeTarget(server.port))
    assert strategy.loading_polls == 1


def test_wrongpass_reply_aborts_at_once(
    canned: Callable[[bytes], _CannedRedis],
) -> None:
    server = canned(b"-WRONGPASS invalid username-password pair or user is disabled.\r\n")
    strategy = RedisPingWaitStrategy(password="nope")
    with pytest.raises(ReadinessAbort) as caught:
        strategy.is_ready(_FakeTarget(server.port))
    message = str(caught.value)
    assert "invalid username-password pair" in message
    assert "requirepass" in message  # says what to check
    # (core appends the server's log lines: see test_auth.py for the real thing)


def test_pong_is_ready(canned: Callable[[bytes], _CannedRedis]) -> None:
    server = canned(b"+PONG\r\n")
    assert RedisPingWaitStrategy().is_ready(_FakeTarget(server.port))


# -- real containers -----------------------------------------------------------------
def test_started_server_answers_ping(redis_server: RedisContainer) -> None:
    assert redis_server.get_client().ping() is True
    stdout, stderr = redis_server.get_logs()
    assert b"Ready to accept connections" in stdout + stderr


def test_waits_out_loading() -> None:
    """A server replaying a big RDB answers LOADING first; start() waits it out."""
    keys = 20_000
    # 1. Make an RDB file with a throwaway server. (Read through exec rather than
    #    copy_from_container, which needs tarfile's filter= (Python >= 3.11.4).)
    with RedisContainer().with_server_args(
        "--dir", "/tmp", "--enable-debug-command", "yes"
    ) as maker:
        client = maker.get_client()
        client.execute_command("DEBUG", "POPULATE", keys, "key", 64)
        client.save()
        client.close()
        size = maker.exec(["stat", "-c", "%s", "/tmp/dump.rdb"])
        dump = maker.exec(["cat", "/tmp/dump.rdb"])
    assert dump.exit_code == 0
    assert len(dump.output) == int(size.output) > 0

    # 2. Start a server that loads it slowly (~50 µs per key, events processed often).
    strategy = RedisPingWaitStrategy()
    loader = (
        RedisContainer()
        .with_server_args(
            "--dir",
            "/tmp",
            "--key-load-delay",
            "50",
            "--loading-process-events-interval-bytes",
            "1024",
        )
        .with_copy_to_container(dump.output, "/tmp/dump.rdb")
        .waiting_for(strategy)
    )
    with loader:
        # Had readiness taken LOADING for ready, these would fail with BusyLoadingError;
        # had it taken LOADING for fatal, start() would have raised.
        assert loader.get_client().dbsize() == keys
        info = loader.get_client().info("persistence")
        assert info["loading"] == 0
        logs = b"".join(loader.get_logs()).decode()
    # ...and there was a loading window to wait out, seen by the strategy the test gave
    # (its copy that ran the wait reports to it) and by the server's own account.
    assert strategy.loading_polls > 0
    loaded = re.search(r"DB loaded from disk: ([0-9.]+) seconds", logs)
    assert loaded is not None, logs[-2000:]
    assert float(loaded.group(1)) > 0.3
