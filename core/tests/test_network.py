"""Networks, aliases per network, and peers reaching each other by alias."""

from __future__ import annotations

from typing import Any

import docker.errors
import pytest
from conftest import CLIENT, REDIS, redis_ping

from dockyard.core import (
    LABEL_SESSION_ID,
    ContainerStartupError,
    DockerContainer,
    ExecWaitStrategy,
    LogMessageWaitStrategy,
    Network,
    session_id,
    start_all,
    stop_all,
)

pytestmark = pytest.mark.usefixtures("no_leftovers")
READY = LogMessageWaitStrategy("Ready to accept connections")


def test_network_is_labelled_and_removed(docker_client: Any) -> None:
    with Network() as network:
        attrs = docker_client.networks.get(network.id).attrs
        assert attrs["Labels"]["org.testcontainers"] == "true"
        assert attrs["Labels"][LABEL_SESSION_ID] == session_id()
        assert network.name.startswith("dockyard-")
    with pytest.raises(docker.errors.NotFound):
        docker_client.networks.get(network.name)


def client_on(network: Network) -> DockerContainer:
    return (
        DockerContainer(CLIENT)
        .with_network(network)
        .with_command(["sleep", "120"])
        .waiting_for(ExecWaitStrategy(["true"]))
    )


def test_peer_reaches_service_by_alias_while_host_uses_mapped_port() -> None:
    with Network() as network:
        redis = (
            DockerContainer(REDIS)
            .with_exposed_ports(6379)
            .with_network(network)
            .with_network_aliases("cache")
            .with_command(["redis-server", "--protected-mode", "no"])
            .waiting_for(READY)
        )
        with redis, client_on(network) as client:
            result = client.exec(["redis-cli", "-h", "cache", "ping"])
            assert result.exit_code == 0, result.output
            assert result.output.strip() == b"PONG"
            assert redis_ping(redis.host(), redis.mapped_port(6379))
            assert redis.network_aliases(network) == ["cache"]


def test_several_networks_with_aliases_each() -> None:
    with Network() as front, Network() as back:
        redis = (
            DockerContainer(REDIS)
            .with_network(front)
            .with_network_aliases("front-cache")
            .with_network(back)
            .with_network_aliases("back-cache", "store")
            .with_command(["redis-server", "--protected-mode", "no"])
            .waiting_for(READY)
        )
        with redis, client_on(front) as on_front, client_on(back) as on_back:
            networks = redis.get_wrapped_container().attrs["NetworkSettings"]["Networks"]
            assert {front.name, back.name} <= set(networks)
            ping = ["redis-cli", "-h"]
            assert on_front.exec([*ping, "front-cache", "ping"]).output.strip() == b"PONG"
            assert on_back.exec([*ping, "back-cache", "ping"]).output.strip() == b"PONG"
            assert on_back.exec([*ping, "store", "ping"]).output.strip() == b"PONG"
            # Aliases are per network: the front peer cannot resolve the back alias.
            assert on_front.exec([*ping, "store", "ping"]).exit_code != 0
            assert redis.network_aliases(back) == ["back-cache", "store"]


def test_uncreated_network_is_created_on_start(docker_client: Any) -> None:
    network = Network()
    try:
        with DockerContainer(REDIS).with_network(network).waiting_for(READY):
            assert network.created
    finally:
        network.remove()


def test_parallel_starts_share_one_uncreated_network(docker_client: Any) -> None:
    network = Network()
    containers = [DockerContainer(REDIS).with_network(network).waiting_for(READY) for _ in range(2)]
    try:
        start_all(*containers)
        assert network.created
        attached = docker_client.networks.get(network.id).attrs["Containers"] or {}
        assert {c.id for c in containers} <= set(attached)
    finally:
        stop_all(*containers)
        network.remove()


def test_failed_start_removes_the_network_it_created(docker_client: Any) -> None:
    network = Network()
    container = (
        DockerContainer(REDIS)
        .with_network(network)
        .with_command(["sh", "-c", "exit 5"])
        .waiting_for(LogMessageWaitStrategy("never printed"))
    )
    with pytest.raises(ContainerStartupError):
        container.start()
    assert not network.created
    assert not docker_client.api.networks(names=[network.name])


def test_missing_second_network_is_a_dockyard_error(docker_client: Any) -> None:
    network = Network()
    container = DockerContainer(REDIS).with_network(network).with_network("dockyard-no-such-net")
    with pytest.raises(ContainerStartupError, match="dockyard-no-such-net"):
        container.start()
    assert not network.created  # the one start() created went with it
