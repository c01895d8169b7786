"""One environment (data/pair): services reach each other by name, the host reaches their
published ports, and containers, exec, logs and config answer as testcontainers-python's."""

from __future__ import annotations

import pytest

from dockyard.compose import (
    ComposeContainer,
    DockerCompose,
    PublishedPortModel,
    ServicePortNotPublishedError,
)
from dockyard.core import PortNotExposedError, WaitTarget, current_session

from conftest import DATA, PROJECT_LABEL, SESSION_LABEL, engine, leftovers, redis_ping


def test_services_reach_each_other_by_service_name(pair: DockerCompose) -> None:
    out, _, code = pair.exec_in_container(["redis-cli", "-h", "cache", "ping"], "client")
    assert (out.strip(), code) == ("PONG", 0)
    out, err, code = pair.exec_in_container(
        ["sh", "-c", "PGPASSWORD=secret psql -h db -U postgres -tAc 'select 40 + 2'"], "client"
    )
    assert (out.strip(), code) == ("42", 0), err


def test_the_host_reaches_published_ports(pair: DockerCompose) -> None:
    host, port = pair.get_service_host_and_port("cache", 6379)
    assert redis_ping(host, port) == b"+PONG\r\n"
    assert pair.get_service_host("cache", 6379) == host
    assert pair.get_service_port("cache", 6379) == port
    # One published port: the port may be left out, as upstream allows.
    assert pair.get_service_port("cache") == port
    container = pair.get_container("cache")
    assert (container.host(), container.mapped_port(6379)) == (host, port)
    assert container.get_exposed_port("6379/tcp") == port
    assert container.get_container_host_ip() == host


def test_an_unpublished_port_is_a_named_error(pair: DockerCompose) -> None:
    with pytest.raises(ServicePortNotPublishedError, match=r"ports: \[\"6379\"\]") as raised:
        pair.get_service_port("client", 6379)
    assert isinstance(raised.value, PortNotExposedError)
    with pytest.raises(ServicePortNotPublishedError, match="published: 6379/tcp"):
        pair.get_container("cache").mapped_port(7000)


def test_containers_carry_upstream_fields_and_session_labels(pair: DockerCompose) -> None:
    containers = pair.get_containers()
    assert sorted(c.Service or "" for c in containers) == ["cache", "client", "db"]
    cache = pair.get_container("cache")
    assert isinstance(cache, ComposeContainer)
    assert cache.Project == pair.project_name
    assert cache.State == "running"
    assert cache.Name and cache.Name.startswith(pair.project_name)
    publisher = cache.get_publisher(by_port=6379)
    assert isinstance(publisher, PublishedPortModel) and publisher.TargetPort == 6379
    session = current_session().id
    client = engine()
    try:
        labels = client.api.inspect_container(cache.id)["Config"]["Labels"]
        assert labels[SESSION_LABEL] == session
        project = {"label": f"{PROJECT_LABEL}={pair.project_name}"}
        networks = client.api.networks(filters=project)
        volumes = client.api.volumes(filters=project)["Volumes"]
        assert networks and all(n["Labels"][SESSION_LABEL] == session for n in networks)
        assert volumes and all(v["Labels"][SESSION_LABEL] == session for v in volumes)
    finally:
        client.close()


def test_a_service_handle_is_a_wait_target(pair: DockerCompose) -> None:
    cache = pair.get_container("cache")
    assert isinstance(cache, WaitTarget)
    assert cache.exec(["redis-cli", "ping"]).output.strip() == b"PONG"
    assert "Ready to accept connections" in cache.logs()
    cache.check_running()
    assert cache.health_status() is None
    assert pair.get_container("db").health_status() == "healthy"
    assert cache.get_wrapped_container().id.startswith(cache.id)


def test_exec_returns_stdout_stderr_and_the_exit_code(pair: DockerCompose) -> None:
    out, err, code = pair.exec_in_container(
        ["sh", "-c", "echo to-stdout; echo to-stderr >&2; exit 7"], "client"
    )
    assert (out, err, code) == ("to-stdout\n", "to-stderr\n", 7)


def test_logs_of_one_service_and_of_all(pair: DockerCompose) -> None:
    stdout, _ = pair.get_logs("cache")
    assert "Ready to accept connections" in stdout
    assert "database system is ready" not in stdout
    everything, _ = pair.get_logs()
    assert "Ready to accept connections" in everything
    assert "database system is ready to accept connections" in everything
    out, _ = pair.get_container("cache").get_logs()
    assert b"Ready to accept connections" in out


def test_config_is_the_project_as_compose_resolves_it(pair: DockerCompose) -> None:
    config = pair.get_config()
    assert config["name"] == pair.project_name
    assert set(config["services"]) == {"cache", "db", "client"}
    assert config["services"]["db"]["environment"]["POSTGRES_PASSWORD"] == "secret"
    assert "labels" not in config["services"]["cache"]  # Dockyard's override is not shown
    raw = pair.get_config(path_resolution=False, normalize=False, interpolate=False)
    assert "cache" in raw["services"]


def test_the_command_line_names_the_project_and_files(pair: DockerCompose) -> None:
    command = pair.docker_compose_command()
    assert command[command.index("-p") + 1] == pair.project_name
    assert "compose.yaml" in command


def test_stop_removes_containers_networks_and_volumes() -> None:
    environment = DockerCompose(DATA / "pair", services=["cache"])
    with environment:
        assert leftovers(environment.project_name)["containers"]
    assert not any(leftovers(environment.project_name).values())
    environment.stop()  # a second stop has nothing to do


def test_testcontainers_python_handle_methods(pair: DockerCompose) -> None:
    cache = pair.get_container("cache")
    info = cache.get_container_info()
    assert info.Config.Labels[SESSION_LABEL] == current_session().id
    out, err = cache.streams()
    assert "Ready to accept connections" in out + err
    assert cache.reload() is cache and cache.status == "running"
