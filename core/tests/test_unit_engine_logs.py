"""A followed log stream whose headers come late (Podman 4.3 sends them with the first
output) opens on the reader's side instead of holding up the start."""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

import dockyard.core._engine as engine_mod
from dockyard.core._engine import STDOUT, DockerEngine

HOLD_HEADERS = 1.0


def _serve(server: socket.socket, stop: threading.Event) -> None:
    """Answers /containers/<id>/logs like Podman: headers only once there is output."""
    server.settimeout(0.2)
    while not stop.is_set():
        try:
            conn, _ = server.accept()
        except TimeoutError:
            continue
        threading.Thread(target=_answer, args=(conn, stop), daemon=True).start()


def _answer(conn: socket.socket, stop: threading.Event) -> None:
    with conn:
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = conn.recv(4096)
            if not chunk:
                return
            request += chunk
        if stop.wait(HOLD_HEADERS):
            return
        frame = struct.pack(">BxxxL", STDOUT, 6) + b"hello\n"
        # The client that gave up waiting has gone: its answer has nowhere to go.
        with contextlib.suppress(OSError):
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n"
                b"Connection: close\r\n\r\n" + frame
            )


@pytest.fixture
def late_engine(tmp_path: Path) -> Iterator[DockerEngine]:
    path = tmp_path / "engine.sock"
    stop = threading.Event()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(str(path))
        server.listen(8)
        thread = threading.Thread(target=_serve, args=(server, stop), daemon=True)
        thread.start()
        client = docker.DockerClient(base_url=f"unix://{path}", version="1.41")
        try:
            yield DockerEngine(client, f"unix://{path}")
        finally:
            stop.set()
            thread.join(timeout=5)
            client.close()


def test_late_headers_do_not_hold_up_the_caller(
    late_engine: DockerEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_mod, "LOG_HEADERS_TIMEOUT", 0.2)
    began = time.monotonic()
    stream = late_engine.follow_logs("abc123", tty=False)
    assert time.monotonic() - began < HOLD_HEADERS
    assert list(stream) == [(STDOUT, b"hello\n")]  # opened again by the reader: nothing lost
    stream.close()


def test_a_stream_closed_before_it_opened_yields_nothing(
    late_engine: DockerEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_mod, "LOG_HEADERS_TIMEOUT", 0.2)
    stream = late_engine.follow_logs("abc123", tty=False)
    stream.close()
    assert list(stream) == []


def test_headers_within_the_limit_open_at_once(late_engine: DockerEngine) -> None:
    stream = late_engine.follow_logs("abc123", tty=False)  # the default waits long enough
    assert type(stream).__name__ == "_FrameStream"
    assert list(stream) == [(STDOUT, b"hello\n")]
    stream.close()
