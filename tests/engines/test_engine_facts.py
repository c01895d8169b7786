"""What is true of the engine a selection runs on (DOCKYARD_ENGINE_UNDER_TEST).

Run by the engine targets beside the core and module tests, so a selection that silently
ran on the wrong engine fails here: the TLS engine is a second dockerd on a 127.0.0.1 port
that insists on client certificates, and Podman says so in its version.
"""

from __future__ import annotations

import os
import socket
import ssl
from pathlib import Path
from urllib.parse import urlparse

import pytest

from dockyard.core import DockerContainer, LogMessageWaitStrategy, current_session

ENGINE = os.environ.get("DOCKYARD_ENGINE_UNDER_TEST", "local")
tls_only = pytest.mark.skipif(ENGINE != "tls", reason="facts of the TLS engine")


def redis_ping(host: str, port: int) -> bool:
    with socket.create_connection((host, port), timeout=5) as sock:
        sock.sendall(b"PING\r\n")
        return sock.recv(64).startswith(b"+PONG")


def _tls_port() -> int:
    port = urlparse(os.environ["DOCKER_HOST"]).port
    assert port is not None
    return port


def test_the_session_uses_the_engine_under_test() -> None:
    session = current_session()
    components = {c.get("Name") for c in session.engine.version().get("Components") or []}
    if ENGINE == "podman":
        assert "Podman Engine" in components
        assert session.engine.url == os.environ["DOCKER_HOST"]
    elif ENGINE == "ssh":
        assert session.engine.url.startswith("ssh://root@127.0.0.1:")
    elif ENGINE == "tls":
        assert session.engine.url == f"tcp://127.0.0.1:{_tls_port()}"
        assert "Podman Engine" not in components


def test_host_is_the_engines_address_and_ports_answer_there() -> None:
    ready = LogMessageWaitStrategy("Ready to accept connections")
    with DockerContainer("redis:7").with_exposed_ports(6379).waiting_for(ready) as redis:
        assert redis.host() == ("127.0.0.1" if ENGINE in ("tls", "ssh") else "localhost")
        assert redis_ping(redis.host(), redis.mapped_port(6379))


@tls_only
def test_tls_engine_listens_on_loopback_only() -> None:
    port = f"{_tls_port():04X}"
    listening = [
        line.split()[1]
        for table in ("/proc/net/tcp", "/proc/net/tcp6")
        for line in Path(table).read_text(encoding="ascii").splitlines()[1:]
        if line.split()[3] == "0A" and line.split()[1].endswith(f":{port}")
    ]
    assert listening == [f"0100007F:{port}"]


@tls_only
def test_tls_engine_refuses_clients_without_a_certificate() -> None:
    context = ssl.create_default_context(cafile=str(Path(os.environ["DOCKER_CERT_PATH"], "ca.pem")))
    raw = socket.create_connection(("127.0.0.1", _tls_port()), timeout=5)
    # The TLS socket is closed too: warnings are errors, an unclosed one is a ResourceWarning.
    refused = pytest.raises((ssl.SSLError, ConnectionResetError, BrokenPipeError))
    with raw, refused, context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
        tls.sendall(b"GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n")
        if not tls.recv(1):  # TLS 1.3 reports the refusal on the first read
            raise ConnectionResetError("closed without an answer")
