"""A counting proxy for the Docker API: a unix socket that forwards every byte to the engine's
socket and records each HTTP request (method and endpoint) that a client sends through it.

    with CountingProxy("/tmp/bench/docker.sock") as proxy:
        docker.DockerClient(base_url=proxy.url).ping()
        print(proxy.table())          # | 1 | GET /_ping |

Only the client's side is parsed, and only as far as counting needs: request line, headers,
and the body's length (``Content-Length`` or chunked) to find where the next request on a
keep-alive connection begins. Responses pass through untouched, so a streaming response
(``logs?follow=1``, ``events``) is just bytes on its own connection's threads and never holds
up the counting of other connections. Once a request hijacks its connection (``attach``,
``exec start``: the engine turns it into a raw stream), the rest of it is forwarded unparsed.

Run on its own, it counts until interrupted and then prints the table:
``python tools/bench/api_proxy.py --listen /tmp/docker-count.sock``, then point clients at
``DOCKER_HOST=unix:///tmp/docker-count.sock``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import signal
import socket
import stat
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit

from api_routes import endpoint_template, query_names

__all__ = ["CountingProxy", "ProxyError", "Request", "engine_socket", "format_table"]

_LINE_LIMIT = 65536
_PIECE = 65536
#: The largest body read whole to see whether an ``exec start`` detaches (its JSON is tiny).
_EXEC_BODY_LIMIT = 4096


class ProxyError(RuntimeError):
    """The proxy cannot run as asked (its message says what to change)."""


@dataclass(frozen=True)
class Request:
    """One request as the client sent it."""

    method: str
    target: str
    connection: int
    at: float  # time.monotonic() when its headers had arrived

    def endpoint(self, with_query: bool = False) -> str:
        """``GET /containers/{id}/json``; with ``with_query`` also ``?follow&stdout``."""
        query = query_names(self.target) if with_query else ""
        return f"{self.method} {endpoint_template(self.target)}{query}"


def engine_socket(docker_host: str | None = None) -> str:
    """The engine's unix socket: from ``docker_host``, else ``$DOCKER_HOST``, else the default."""
    url = docker_host if docker_host is not None else os.environ.get("DOCKER_HOST", "")
    if not url:
        return "/var/run/docker.sock"
    parts = urlsplit(url)
    if parts.scheme != "unix" or not parts.path:
        raise ProxyError(
            f"The counting proxy forwards to a unix socket, but the engine is at {url!r}. "
            "Point DOCKER_HOST at the engine's socket (unix:///var/run/docker.sock) or pass "
            "upstream='unix:///path/to/docker.sock'."
        )
    return parts.path


def format_table(counts: Mapping[str, int], title: str = "endpoint") -> str:
    """A Markdown table of request counts, most frequent first, with a total row."""
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    width = max([len(title), *(len(name) for name, _ in rows)])
    lines = [f"| {'requests':>8} | {title:<{width}} |", f"| {'-' * 7}: | {'-' * width} |"]
    lines += [f"| {count:>8} | {name:<{width}} |" for name, count in rows]
    lines.append(f"| {sum(counts.values()):>8} | {'total':<{width}} |")
    return "\n".join(lines)


class CountingProxy:
    """Listens on ``listen`` (a unix socket path) and forwards to ``upstream``.

    ``upstream`` is a ``unix://`` URL or a socket path; by default the engine that
    ``$DOCKER_HOST`` names (or ``/var/run/docker.sock``). Use it as a context manager, or
    call ``start()`` and ``close()``.
    """

    def __init__(self, listen: str | os.PathLike[str], upstream: str | None = None) -> None:
        self.path = Path(listen)
        if upstream is not None and not upstream.startswith("unix://"):
            upstream = "unix://" + upstream
        self.upstream = engine_socket(upstream)
        if self.path.resolve() == Path(self.upstream).resolve():
            raise ProxyError(f"The proxy cannot listen on its own upstream {self.upstream}.")
        self._lock = threading.Lock()
        self._requests: list[Request] = []
        self._last_request = time.monotonic()
        self._next_connection = 0
        self._sockets: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._server: socket.socket | None = None

    @property
    def url(self) -> str:
        """What DOCKER_HOST or docker-py's ``base_url`` takes: ``unix:///…``."""
        return f"unix://{self.path}"

    # -- lifecycle ----------------------------------------------------------------------
    def start(self) -> Self:
        if self._server is not None:
            return self
        if self.path.exists() or self.path.is_symlink():
            if not stat.S_ISSOCK(self.path.lstat().st_mode):
                raise ProxyError(f"{self.path} exists and is not a socket; choose another path.")
            self.path.unlink()  # a stale socket of an earlier run
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            server.bind(str(self.path))
        except OSError as exc:
            server.close()
            raise ProxyError(f"Cannot listen on {self.path}: {exc}") from exc
        server.listen(64)
        self._server = server
        self._spawn(self._accept_loop, server)
        return self

    def close(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        with contextlib.suppress(OSError):
            server.shutdown(socket.SHUT_RDWR)
        server.close()
        with self._lock:
            live = list(self._sockets)
        for sock in live:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout=5)
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- what was counted ---------------------------------------------------------------
    def requests(self, since: int = 0) -> list[Request]:
        """The requests recorded so far (from position ``since`` of the record on)."""
        with self._lock:
            return self._requests[since:]

    def mark(self) -> int:
        """A position in the record; ``counts(since=mark)`` counts what came after it."""
        with self._lock:
            return len(self._requests)

    def counts(self, since: int = 0, with_query: bool = False) -> Counter[str]:
        """Requests per endpoint (``GET /containers/{id}/json``)."""
        return Counter(request.endpoint(with_query) for request in self.requests(since))

    def table(self, since: int = 0, with_query: bool = False) -> str:
        return format_table(self.counts(since, with_query))

    def wait_idle(self, quiet: float = 0.2, timeout: float = 5.0) -> bool:
        """Wait until no request has started for ``quiet`` seconds; False on ``timeout``.

        Lets requests that a client sends after returning (a background thread's last
        call) land in the window they belong to.
        """
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                idle = time.monotonic() - self._last_request
            if idle >= quiet:
                return True
            if time.monotonic() + quiet - idle > deadline:
                return False
            time.sleep(quiet - idle)

    # -- forwarding ---------------------------------------------------------------------
    def _spawn(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        with self._lock:
            self._threads = [t for t in self._threads if t.is_alive()]
            self._threads.append(thread)
        thread.start()

    def _accept_loop(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return  # closed
            upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                upstream.connect(self.upstream)
            except OSError:
                upstream.close()
                client.close()  # the client sees its connection drop, as with no engine
                continue
            with self._lock:
                connection = self._next_connection
                self._next_connection += 1
                self._sockets.update((client, upstream))
            pair = _Pair(client, upstream, self._forget)
            self._spawn(self._pump_requests, pair, connection)
            self._spawn(_pump_raw, pair, upstream, client)

    def _forget(self, *sockets: socket.socket) -> None:
        with self._lock:
            self._sockets.difference_update(sockets)

    def _record(self, method: str, target: str, connection: int) -> None:
        now = time.monotonic()
        with self._lock:
            self._requests.append(Request(method, target, connection, now))
            self._last_request = now

    def _pump_requests(self, pair: _Pair, connection: int) -> None:
        reader = io.BufferedReader(socket.SocketIO(pair.client, "rb"), _PIECE)
        try:
            while self._forward_request(reader, pair.upstream, connection):
                pass
        except (OSError, ValueError):
            pair.abort()
        finally:
            reader.close()
            pair.done(pair.client, pair.upstream)

    def _forward_request(
        self, reader: io.BufferedReader[socket.SocketIO], upstream: socket.socket, connection: int
    ) -> bool:
        """Forward one request; False when the connection ends or turns into a raw stream."""
        line = reader.readline(_LINE_LIMIT)
        if not line:
            return False
        if line in (b"\r\n", b"\n"):  # stray line breaks between requests are allowed
            upstream.sendall(line)
            return True
        head = [line]
        headers: dict[str, str] = {}
        while True:
            header = reader.readline(_LINE_LIMIT)
            if not header:
                break
            head.append(header)
            if header in (b"\r\n", b"\n"):
                break
            name, _, value = header.decode("latin-1").partition(":")
            key = name.strip().lower()
            headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
        method, target = _request_line(line)
        # Recorded before it goes on, so a client holding the answer finds it counted.
        self._record(method, target, connection)
        upstream.sendall(b"".join(head))
        if "chunked" in headers.get("transfer-encoding", "").lower():
            _forward_chunked(reader, upstream)
            body = b""
        else:
            body = _forward_sized(reader, upstream, int(headers.get("content-length", "0") or 0))
        if _hijacks(method, target, headers, body):
            _forward_rest(reader, upstream)
            return False
        return True


class _Pair:
    """A client connection and its upstream one; closed when both directions are done."""

    def __init__(
        self,
        client: socket.socket,
        upstream: socket.socket,
        forget: Callable[[socket.socket, socket.socket], None],
    ) -> None:
        self.client = client
        self.upstream = upstream
        self._forget = forget
        self._lock = threading.Lock()
        self._open_directions = 2

    def done(self, source: socket.socket, sink: socket.socket) -> None:
        """One direction ended: pass the end on, and close both once both have ended."""
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)
        with self._lock:
            self._open_directions -= 1
            last = self._open_directions == 0
        if last:
            self.client.close()
            self.upstream.close()
            self._forget(self.client, self.upstream)

    def abort(self) -> None:
        for sock in (self.client, self.upstream):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


def _pump_raw(pair: _Pair, source: socket.socket, sink: socket.socket) -> None:
    try:
        while True:
            data = source.recv(_PIECE)
            if not data:
                break
            sink.sendall(data)
    except OSError:
        pair.abort()
    finally:
        pair.done(source, sink)


def _request_line(line: bytes) -> tuple[str, str]:
    parts = line.decode("latin-1").split()
    if len(parts) < 2:
        raise ValueError(f"not an HTTP request line: {line!r}")
    return parts[0].upper(), parts[1]


def _forward_sized(
    reader: io.BufferedReader[socket.SocketIO], upstream: socket.socket, length: int
) -> bytes:
    """Forward ``length`` body bytes; returns them when small enough to look at."""
    kept = bytearray()
    remaining = length
    while remaining > 0:
        piece = reader.read(min(remaining, _PIECE))
        if not piece:
            raise ValueError("the client closed in the middle of a request body")
        upstream.sendall(piece)
        remaining -= len(piece)
        if length <= _EXEC_BODY_LIMIT:
            kept += piece
    return bytes(kept)


def _forward_chunked(reader: io.BufferedReader[socket.SocketIO], upstream: socket.socket) -> None:
    while True:
        size_line = reader.readline(_LINE_LIMIT)
        if not size_line:
            raise ValueError("the client closed in the middle of a chunked body")
        upstream.sendall(size_line)
        size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
        if size == 0:
            break
        _forward_sized(reader, upstream, size + 2)  # the chunk and its CRLF
    while True:  # trailers, up to the empty line
        trailer = reader.readline(_LINE_LIMIT)
        if not trailer:
            return
        upstream.sendall(trailer)
        if trailer in (b"\r\n", b"\n"):
            return


def _forward_rest(reader: io.BufferedReader[socket.SocketIO], upstream: socket.socket) -> None:
    while True:
        data = reader.read1(_PIECE)
        if not data:
            return
        upstream.sendall(data)


def _hijacks(method: str, target: str, headers: Mapping[str, str], body: bytes) -> bool:
    """Whether the engine turns this connection into a raw stream after the request."""
    if "upgrade" in headers:
        return True
    endpoint = endpoint_template(target)
    if method == "POST" and endpoint == "/containers/{id}/attach":
        return True
    if method == "POST" and endpoint == "/exec/{id}/start":
        try:
            options = json.loads(body or b"{}")
        except ValueError:
            return True
        return not (isinstance(options, dict) and options.get("Detach"))
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description="Count Docker API requests through a socket.")
    parser.add_argument("--listen", required=True, help="the unix socket path to listen on")
    parser.add_argument("--upstream", help="the engine (default: $DOCKER_HOST or the default)")
    parser.add_argument("--query", action="store_true", help="tell apart query parameter names")
    args = parser.parse_args()
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    with CountingProxy(args.listen, args.upstream) as proxy:
        print(f"counting on DOCKER_HOST={proxy.url} → {proxy.upstream}; Ctrl-C prints the table")
        stop.wait()
        print(proxy.table(with_query=args.query))


if __name__ == "__main__":
    main()
