"""Host resolution decision table and probing (pure logic; probes only loopback)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dockyard.core._host import (
    HostResolver,
    decide_host,
    engine_gateways,
    engine_is_local,
    route_gateways,
    socket_peer_shares_our_network,
)


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
        ("ssh://tester@127.0.0.1:2222", "127.0.0.1"),
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


def test_inside_container_with_engine_beside_us_is_localhost(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import dockyard.core._host as host_mod

    monkeypatch.setattr(host_mod, "running_in_container", lambda: True)
    # This machine: /.dockerenv exists, yet dockerd runs in the same network namespace; its
    # bridge IPAM reports only a subnet, whose first address is a local one (checked by bind).
    engine = _GatewayEngine(ipam=[{"Subnet": "127.0.0.0/8"}])
    decision = HostResolver(engine, None).decision()  # type: ignore[arg-type]
    assert decision.host == "localhost" and decision.is_loopback
    assert engine_is_local(engine)  # type: ignore[arg-type]
    elsewhere = _GatewayEngine(ipam=[{"Subnet": "198.51.100.0/24"}], url="unix:///x.sock")
    undecided = HostResolver(elsewhere, None).decision()  # type: ignore[arg-type]
    assert undecided.host is None and undecided.candidates[0] == "localhost"
    assert not engine_is_local(elsewhere)  # type: ignore[arg-type]


def test_inside_container_without_engine_network_must_probe() -> None:
    d = decide_host(
        override=None,
        docker_host="unix:///var/run/docker.sock",
        in_container=True,
        engine_is_local=lambda: False,
        gateways=lambda: ["172.17.0.1", "172.17.0.1"],
    )
    assert d.host is None
    assert d.candidates == ("localhost", "172.17.0.1")
    assert d.fallback == "172.17.0.1"


def test_inside_container_without_any_gateway_still_probes_loopback() -> None:
    d = decide_host(
        override=None,
        docker_host="unix:///var/run/docker.sock",
        in_container=True,
        engine_is_local=lambda: False,
        gateways=lambda: [],
    )
    assert d.host is None
    assert d.candidates == ("localhost",)
    assert d.fallback == "localhost"


ROUTES = (
    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
    "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
    "docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n"
)


def test_default_route_gateway_from_proc_net_route() -> None:
    assert route_gateways(ROUTES) == ["192.0.2.1"]
    assert route_gateways(ROUTES.splitlines()[0]) == []


@pytest.fixture
def listening_port() -> Iterator[int]:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield server.getsockname()[1]


ME: dict[str, Any] = {
    "NetworkSettings": {
        "Gateway": "198.51.100.1",
        "Networks": {
            "bridge": {"Gateway": "198.51.100.1"},
            "other": {"Gateway": "203.0.113.1"},
        },
    }
}


class _GatewayEngine:
    """The two requests host detection makes: the bridge network, and our own container."""

    def __init__(
        self,
        ipam: list[dict[str, str]] | None = None,
        me: dict[str, Any] | None = None,
        # No socket there: the real engine's socket would count as served beside us.
        url: str = "unix:///nonexistent/docker.sock",
    ) -> None:
        self.ipam = [{"Subnet": "192.0.2.0/24", "Gateway": "192.0.2.1"}] if ipam is None else ipam
        self.me = me
        self.url = url

    def inspect_network(self, name: str) -> dict[str, Any]:
        return {"IPAM": {"Config": self.ipam}}

    def inspect_container(self, name: str) -> dict[str, Any]:
        if self.me is None:
            raise LookupError(name)
        return self.me


def test_engine_gateways_come_from_the_engine() -> None:
    assert engine_gateways(_GatewayEngine()) == ["192.0.2.1"]  # type: ignore[arg-type]
    # Our own container's NetworkSettings.Gateway and per-network gateways, no duplicates.
    mine = _GatewayEngine(ipam=[{"Subnet": "10.9.0.0/16"}], me=ME)
    assert engine_gateways(mine) == [  # type: ignore[arg-type]
        "198.51.100.1",
        "203.0.113.1",
    ]


def test_probe_picks_reachable_candidate_and_caches(
    listening_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dockyard.core._host as host_mod

    monkeypatch.setattr(host_mod, "running_in_container", lambda: True)
    # 192.0.2.1 (TEST-NET, engine-reported by the fake) is not local: probing is needed.
    resolver = HostResolver(_GatewayEngine(), None)  # type: ignore[arg-type]
    probes: list[str] = []
    real = host_mod.tcp_reachable

    def spy(host: str, port: int, timeout: float = 0.5) -> bool:
        probes.append(host)
        return real(host, port, timeout)

    monkeypatch.setattr(host_mod, "tcp_reachable", spy)
    assert resolver.resolve(listening_port) == "localhost"
    assert probes == ["localhost"]  # stops at the first reachable candidate
    assert resolver.resolve(listening_port) == "localhost"
    assert probes == ["localhost"]  # cached for the session


def test_an_engine_socket_served_from_our_network_namespace_is_local(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dockyard.core._host as host_mod

    monkeypatch.setattr(host_mod, "running_in_container", lambda: True)
    path = tmp_path / "engine.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(str(path))
        server.listen(4)
        # This process serves it: same network namespace, whatever the bridge says (Podman
        # has no bridge before its first container).
        assert socket_peer_shares_our_network(f"unix://{path}")
        engine = _GatewayEngine(ipam=[{"Subnet": "198.51.100.0/24"}], url=f"unix://{path}")
        assert engine_is_local(engine)  # type: ignore[arg-type]
        resolver = HostResolver(engine, None)  # type: ignore[arg-type]
        assert resolver.decision().host == "localhost"
        assert resolver.publish_address() == "127.0.0.1"
    assert not socket_peer_shares_our_network(f"unix://{path}")  # nobody listens
    assert not socket_peer_shares_our_network("tcp://127.0.0.1:2375")


def test_every_address_is_published_as_the_engines_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import dockyard.core._host as host_mod

    monkeypatch.setattr(host_mod, "running_in_container", lambda: True)
    elsewhere = _GatewayEngine(ipam=[{"Subnet": "198.51.100.0/24"}], url="unix:///x.sock")
    # "" and not "0.0.0.0": Podman's netavark matches a literal 0.0.0.0 against no packet.
    assert HostResolver(elsewhere, None).publish_address() == ""  # type: ignore[arg-type]
