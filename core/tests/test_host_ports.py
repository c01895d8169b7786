"""Host ports reachable from containers as host.testcontainers.internal (the host relay).

Runs on every engine (local, the TLS engine, Podman): the service is a small TCP server in
this process on 127.0.0.1, and the containers are the client image's Python.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import CLIENT, wait_until

from dockyard.core import (
    HOST_INTERNAL,
    LABEL_SESSION_ID,
    ConfigurationError,
    DockerContainer,
    Network,
    current_session,
    expose_host_ports,
    session_id,
)
from dockyard.core._host_ports import relay_of

CALL_HOST = """
import socket, sys
with socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10) as s:
    s.sendall(b"ping from a container\\n")
    try:
        print(s.makefile("rb").readline().decode().strip())
    except ConnectionResetError:  # closed by the relay with our line unread
        print("")
"""


class Greeter:
    """A line server on 127.0.0.1 of the test host: answers each line with a greeting."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.server.getsockname()[1])
        self.heard: list[str] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                line = conn.makefile("rb").readline().decode().strip()
                self.heard.append(line)
                conn.sendall(f"hello from the host, you said {line!r}\n".encode())

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def greeter() -> Iterator[Greeter]:
    server = Greeter()
    yield server
    server.close()


def call_host(container: DockerContainer, port: int) -> tuple[int, str]:
    result = container.exec(["python3", "-c", CALL_HOST, HOST_INTERNAL, str(port)])
    return result.exit_code, result.output.decode(errors="replace").strip()


def test_a_container_on_the_default_bridge_reaches_an_exposed_host_port(greeter: Greeter) -> None:
    expose_host_ports(greeter.port)
    with DockerContainer(CLIENT) as client:
        code, output = call_host(client, greeter.port)
        assert (code, output) == (0, "hello from the host, you said 'ping from a container'")
        hosts = client.exec(["getent", "hosts", HOST_INTERNAL]).output.decode()
        assert HOST_INTERNAL in hosts
    assert greeter.heard == ["ping from a container"]


def test_one_container_on_a_user_network_asks_for_host_ports(greeter: Greeter) -> None:
    with Network() as network:
        client = (
            DockerContainer(CLIENT).with_network(network).with_access_to_host_ports(greeter.port)
        )
        with client:
            code, output = call_host(client, greeter.port)
            assert code == 0 and "hello from the host" in output
        relay = relay_of(current_session(), create=False)
        assert relay is not None and network.name in relay._networks
    # Leaving the block removed the network although the relay had joined it.
    assert network.name not in relay._networks


def test_the_relay_is_a_container_of_the_session(docker_client: Any, greeter: Greeter) -> None:
    expose_host_ports(greeter.port)
    relay = relay_of(current_session(), create=False)
    assert relay is not None
    attrs = docker_client.api.inspect_container(relay.container_id)
    assert attrs["Config"]["Labels"][LABEL_SESSION_ID] == session_id()


def test_the_relay_refuses_connections_without_its_token(greeter: Greeter) -> None:
    expose_host_ports(greeter.port)
    relay = relay_of(current_session(), create=False)
    assert relay is not None
    with socket.create_connection(relay.address, timeout=10) as sock:
        sock.sendall(b"wrong-token CONTROL\nLISTEN 22\n")
        try:
            answer = sock.recv(64)
        except ConnectionResetError:  # closed with our LISTEN unread (no port proxy between)
            answer = b""
        assert answer == b""  # closed without an answer


def test_a_host_port_nobody_listens_on_closes_the_containers_connection() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        unused = probe.getsockname()[1]
    with DockerContainer(CLIENT).with_access_to_host_ports(unused) as client:
        code, output = call_host(client, unused)
        assert code == 0 and output == ""  # connected to the relay, then closed: no answer


def test_host_ports_are_checked_and_shared_containers_refuse_them() -> None:
    with pytest.raises(ConfigurationError, match="TCP port number"):
        DockerContainer(CLIENT).with_access_to_host_ports(0)
    with pytest.raises(ConfigurationError, match="at least one port"):
        expose_host_ports()
    shared = DockerContainer(CLIENT).with_access_to_host_ports(8080).with_sharing()
    with pytest.raises(ConfigurationError, match="outlives"):
        shared.start()
    assert wait_until(lambda: not shared.started, 1)
