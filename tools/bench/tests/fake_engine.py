"""A stand-in for the engine's socket: an HTTP/1.1 server on a unix socket, no Docker needed.

It answers every request with what it received (``METHOD target body-length``), so a test
can tell that bytes went through unchanged, and it imitates the three kinds of answer the
proxy must not trip over:

- ``…/logs?follow=1``: a chunked response that stays open until ``release`` is set;
- a request with ``Upgrade: tcp`` (attach, exec start): ``101`` and then an echo of raw bytes;
- ``POST /exec/{id}/start`` without ``Detach`` and without ``Upgrade``: Docker hijacks the
  connection anyway (``200`` with a raw stream), here an echo as well.
"""

from __future__ import annotations

import json
import socketserver
import threading
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import TracebackType
from typing import Self


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: the tests look at answers, not at a log

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def do_DELETE(self) -> None:
        self._answer()

    def _answer(self) -> None:
        body = self._body()
        if self.headers.get("Upgrade"):
            self.send_response(101)
            self.send_header("Connection", "Upgrade")
            self.send_header("Upgrade", "tcp")
            self.end_headers()
            self._echo()
        elif "/exec/" in self.path and self.path.endswith("/start") and not _detached(body):
            self.send_response(200)
            self.send_header("Content-Type", "application/vnd.docker.raw-stream")
            self.end_headers()
            self._echo()
        elif "/logs" in self.path and "follow=1" in self.path:
            self._stream()
        else:
            answer = f"{self.command} {self.path} {len(body)}".encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

    def _body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", ""):
            data = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()  # the empty line after the last chunk
                    return bytes(data)
                data += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length", "0")))

    def _stream(self) -> None:
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        # Set before the first line goes out: a client that read it knows the stream is open.
        self.server.streaming.set()
        self._chunk(b"first line\n")
        self.server.release.wait(timeout=30)
        self._chunk(b"last line\n")
        self._chunk(b"")

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _echo(self) -> None:
        self.wfile.flush()
        while True:
            data = self.connection.recv(65536)
            if not data:
                self.close_connection = True
                return
            self.connection.sendall(data)


def _detached(body: bytes) -> bool:
    try:
        return bool(json.loads(body or b"{}").get("Detach"))
    except ValueError:
        return False


class _Server(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, path: str) -> None:
        super().__init__(path, _Handler)
        self.streaming = threading.Event()
        self.release = threading.Event()


class FakeEngine:
    """``with FakeEngine(path) as engine:`` serves on ``path`` until the block ends."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._server = _Server(str(path))
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def streaming(self) -> threading.Event:
        """Set once a follow-logs response sent its first chunk."""
        return self._server.streaming

    @property
    def release(self) -> threading.Event:
        """Set it to let a follow-logs response finish."""
        return self._server.release

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
