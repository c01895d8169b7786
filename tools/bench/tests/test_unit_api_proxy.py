"""The counting proxy against a fake engine: what it counts, and that bytes pass unchanged."""

from __future__ import annotations

import http.client
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_proxy import CountingProxy, ProxyError, engine_socket, format_table
from fake_engine import FakeEngine


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: Path) -> None:
        super().__init__("localhost", timeout=10)
        self._path = str(path)

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(10)
        self.sock.connect(self._path)


@pytest.fixture
def proxy(socket_dir: Path) -> Iterator[CountingProxy]:
    with (
        FakeEngine(socket_dir / "engine.sock"),
        CountingProxy(socket_dir / "proxy.sock", str(socket_dir / "engine.sock")) as counting,
    ):
        yield counting


def ask(conn: UnixHTTPConnection, method: str, target: str, body: bytes | None = None) -> bytes:
    conn.request(method, target, body=body)
    return conn.getresponse().read()


def raw_connection(proxy: CountingProxy) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(10)
    sock.connect(str(proxy.path))
    return sock


def receive_until(sock: socket.socket, marker: bytes) -> bytes:
    data = b""
    while marker not in data:
        piece = sock.recv(65536)
        if not piece:
            break
        data += piece
    return data


def test_counts_every_request_of_a_keep_alive_connection(proxy: CountingProxy) -> None:
    conn = UnixHTTPConnection(proxy.path)
    assert (
        ask(conn, "GET", "/v1.41/containers/0a1b2c/json") == b"GET /v1.41/containers/0a1b2c/json 0"
    )
    assert ask(conn, "POST", "/v1.41/containers/create?name=x", b'{"Image": "redis"}') == (
        b"POST /v1.41/containers/create?name=x 18"
    )
    conn.request("POST", "/v1.41/build", body=iter([b"tar", b"-bytes"]), encode_chunked=True)
    assert conn.getresponse().read() == b"POST /v1.41/build 9"
    assert ask(conn, "DELETE", "/v1.41/containers/0a1b2c?force=1") == (
        b"DELETE /v1.41/containers/0a1b2c?force=1 0"
    )
    conn.close()

    assert proxy.counts() == {
        "GET /containers/{id}/json": 1,
        "POST /containers/create": 1,
        "POST /build": 1,
        "DELETE /containers/{id}": 1,
    }
    assert len({request.connection for request in proxy.requests()}) == 1


def test_counts_pipelined_requests_sent_in_one_write(proxy: CountingProxy) -> None:
    with raw_connection(proxy) as sock:
        sock.sendall(
            b"GET /_ping HTTP/1.1\r\nHost: x\r\n\r\n"
            b"POST /v1.41/containers/a/start HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"
        )
        answers = receive_until(sock, b"start 2")
    assert b"GET /_ping 0" in answers
    assert proxy.counts() == {"GET /_ping": 1, "POST /containers/{id}/start": 1}


def test_a_streaming_response_does_not_hold_up_other_connections(socket_dir: Path) -> None:
    with (
        FakeEngine(socket_dir / "engine.sock") as engine,
        CountingProxy(socket_dir / "proxy.sock", str(socket_dir / "engine.sock")) as proxy,
    ):
        follower = UnixHTTPConnection(proxy.path)
        follower.request("GET", "/v1.41/containers/c1/logs?follow=1&stdout=1")
        response = follower.getresponse()
        assert response.read1(100) == b"first line\n"
        assert engine.streaming.is_set()

        other = UnixHTTPConnection(proxy.path)
        for _ in range(3):
            ask(other, "GET", "/v1.41/containers/c1/json")
        assert proxy.counts()["GET /containers/{id}/json"] == 3

        engine.release.set()
        assert response.read() == b"last line\n"
        follower.close()
        other.close()
    assert proxy.counts(with_query=True) == {
        "GET /containers/{id}/logs?follow&stdout": 1,
        "GET /containers/{id}/json": 3,
    }


@pytest.mark.parametrize(
    ("request_head", "body"),
    [
        ("POST /v1.41/containers/c1/attach?stream=1 HTTP/1.1\r\nUpgrade: tcp\r\n", b""),
        ("POST /v1.41/exec/e1/start HTTP/1.1\r\nContent-Type: application/json\r\n", b"{}"),
    ],
    ids=["upgrade", "exec-start-without-upgrade"],
)
def test_a_hijacked_connection_is_forwarded_unparsed(
    proxy: CountingProxy, request_head: str, body: bytes
) -> None:
    looks_like_http = b"GET /inside/the/stream HTTP/1.1\r\n\r\n"
    with raw_connection(proxy) as sock:
        head = f"{request_head}Host: x\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        sock.sendall(head + body)
        assert receive_until(sock, b"\r\n\r\n").split(b" ")[1] in (b"101", b"200")
        sock.sendall(looks_like_http)
        assert receive_until(sock, b"stream HTTP/1.1\r\n\r\n") == looks_like_http
        sock.shutdown(socket.SHUT_WR)
        assert sock.recv(100) == b""  # the end of the stream reaches the client too
    assert sum(proxy.counts().values()) == 1


def test_a_detached_exec_start_keeps_the_connection_http(proxy: CountingProxy) -> None:
    conn = UnixHTTPConnection(proxy.path)
    ask(conn, "POST", "/v1.41/exec/e1/start", b'{"Detach": true, "Tty": false}')
    ask(conn, "GET", "/v1.41/exec/e1/json")
    conn.close()
    assert proxy.counts() == {"POST /exec/{id}/start": 1, "GET /exec/{id}/json": 1}


def test_counts_since_a_mark_and_waits_for_quiet(proxy: CountingProxy) -> None:
    conn = UnixHTTPConnection(proxy.path)
    ask(conn, "GET", "/_ping")
    mark = proxy.mark()

    def late_request() -> None:
        late = UnixHTTPConnection(proxy.path)
        ask(late, "GET", "/info")
        late.close()

    threading.Timer(0.05, late_request).start()
    assert proxy.wait_idle(quiet=0.3, timeout=5)
    assert proxy.counts(since=mark) == {"GET /info": 1}
    conn.close()


def test_a_client_of_a_dead_engine_sees_its_connection_drop(socket_dir: Path) -> None:
    with CountingProxy(socket_dir / "proxy.sock", str(socket_dir / "absent.sock")) as proxy:
        conn = UnixHTTPConnection(proxy.path)
        try:
            with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
                ask(conn, "GET", "/_ping")
        finally:
            conn.close()
        assert proxy.counts() == {}


def test_close_ends_open_streams_and_removes_the_socket(socket_dir: Path) -> None:
    with FakeEngine(socket_dir / "engine.sock"):
        proxy = CountingProxy(socket_dir / "proxy.sock", str(socket_dir / "engine.sock")).start()
        follower = UnixHTTPConnection(proxy.path)
        follower.request("GET", "/containers/c1/logs?follow=1")
        follower.getresponse().read1(100)
        proxy.close()
        assert not proxy.path.exists()
        follower.close()


def test_engine_socket_comes_from_docker_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", "unix:///run/engine.sock")
    assert engine_socket() == "/run/engine.sock"
    monkeypatch.delenv("DOCKER_HOST")
    assert engine_socket() == "/var/run/docker.sock"


def test_refuses_an_engine_that_is_not_a_unix_socket() -> None:
    with pytest.raises(ProxyError, match="unix socket"):
        engine_socket("tcp://127.0.0.1:2375")


def test_refuses_to_listen_on_its_own_upstream(socket_dir: Path) -> None:
    with pytest.raises(ProxyError, match="own upstream"):
        CountingProxy(socket_dir / "engine.sock", str(socket_dir / "engine.sock"))


def test_refuses_to_replace_a_file_that_is_not_a_socket(socket_dir: Path) -> None:
    (socket_dir / "notes.txt").write_text("keep me")
    with pytest.raises(ProxyError, match="not a socket"):
        CountingProxy(socket_dir / "notes.txt", str(socket_dir / "engine.sock")).start()
    assert (socket_dir / "notes.txt").read_text() == "keep me"


def test_the_table_lists_the_most_frequent_first_and_a_total() -> None:
    table = format_table({"GET /_ping": 1, "GET /containers/{id}/json": 3})
    assert table.splitlines()[2:] == [
        "|        3 | GET /containers/{id}/json |",
        "|        1 | GET /_ping                |",
        "|        4 | total                     |",
    ]
