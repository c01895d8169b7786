"""Host resolution decision table and probing (pure logic; probes only loopback)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest

from dockyard.core._host import HostResolver, decide_host, engine_gateways


def never() -> bool:
    raise AssertionError("must not be consulted")


def no_gateways() -> list[str]:
    raise AssertionError("must not be consulted")


def test_override_wins() -> None:
    d = decide_host(
        override="10.1.2.3",
        docker_host="tcp://remote:2375",
        in_container=True,
        engine_is_local=never,
        gateways=no_gateways,
    )
    assert d.host == "10.1.2.3"


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("tcp://docker.example:2375", "docker.example"),
        ("http://10.0.0.5:2375", "10.0.0.5"),
        ("https://dind:2376", "dind"),
    ],
)
def test_tcp_docker_host_gives_its_host(url: str, host: str) -> None:
    d = decide_host(
        override=None,
        docker_host=url,
        in_container=True,
        engine_is_local=never,
        gateways=no_gateways,
    )
    assert d.host == host


def test_local_socket_outside_container_is_localhost() -> None:
    d = decide_host(
        override=None,
        docker_host="unix:///var/run/docker.sock",
        in_container=False,
        engine_is_local=never,
        gateways=no_gateways,
    )
    assert d.host == "localhost" and d.is_loopback


def test_inside_container_with_own_engine_is_localhost() -> None:
    # This machine: /.dockerenv exists, yet dockerd runs in the same network namespace.
    d = decide_host(
        override=None,
        docker_host="unix:///var/run/docker.sock",
        in_container=True,
        engine_is_local=lambda: True,
        gateways=no_gateways,
    )
    assert d.host == "localhost"


def test_inside_container_without_engine_network_must_probe() -> None:
    d = decide_host(
        override=None,
        docker_host="unix:///var/run/docker.sock",
        in_container=True,
        engine_is_local=lambda: False,
        gateways=lambda: ["172.17.0.1"],
    )
    assert d.host is None
    assert d.candidates == ("localhost", "172.17.0.1")
    assert d.fallback == "172.17.0.1"


@pytest.fixture
def listening_port() -> Iterator[int]:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield server.getsockname()[1]


class _Net:
    attrs: ClassVar[dict[str, Any]] = {
        "IPAM": {"Config": [{"Subnet": "192.0.2.0/24", "Gateway": "192.0.2.1"}]}
    }


class _Networks:
    def get(self, name: str) -> _Net:
        return _Net()


class _Containers:
    def get(self, name: str) -> object:
        raise LookupError(name)


class _GatewayClient:
    networks = _Networks()
    containers = _Containers()


def test_engine_gateways_come_from_the_engine() -> None:
    assert engine_gateways(_GatewayClient()) == ["192.0.2.1"]


def test_probe_picks_reachable_candidate_and_caches(
    listening_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dockyard.core._host as host_mod

    monkeypatch.setattr(host_mod, "running_in_container", lambda: True)
    # 192.0.2.1 (TEST-NET, engine-reported by the fake) is not local: probing is needed.
    resolver = HostResolver()
    probes: list[str] = []
    real = host_mod.tcp_reachable

    def spy(host: str, port: int, timeout: float = 0.5) -> bool:
        probes.append(host)
        return real(host, port, timeout)

    monkeypatch.setattr(host_mod, "tcp_reachable", spy)
    url = "unix:///var/run/docker.sock"
    assert resolver.resolve(_GatewayClient(), url, None, listening_port) == "localhost"
    assert probes == ["localhost"]  # stops at the first reachable candidate
    assert resolver.resolve(_GatewayClient(), url, None, listening_port) == "localhost"
    assert probes == ["localhost"]  # cached for the session
