"""testcontainers-python's names with its semantics; each test says which behaviour it matches."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import CLIENT, REDIS, redis_ping

from dockyard.core import (
    SESSION_ID,
    CompositeWaitStrategy,
    ConfigurationError,
    ContainerStartException,
    DockerClient,
    DockerContainer,
    DockerImage,
    ExecConfig,
    FileExistsWaitStrategy,
    HttpWaitStrategy,
    LogMessageWaitStrategy,
    Network,
    ServerContainer,
    create_labels,
    session_id,
    testcontainers_config,
    wait_container_is_ready,
    wait_for,
)

pytestmark = pytest.mark.usefixtures("no_leftovers")
READY = LogMessageWaitStrategy("Ready to accept")


def test_config_assignments_steer_dockyard_and_undo_cleanly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Upstream: testcontainers_config is a mutable object fixtures monkeypatch.
    from dockyard.core import load_config

    monkeypatch.delenv("TESTCONTAINERS_RYUK_DISABLED", raising=False)
    with monkeypatch.context() as patch:
        patch.setattr(testcontainers_config, "ryuk_disabled", True)
        assert load_config().ryuk_disabled is True
    assert load_config().ryuk_disabled is False  # undone: the environment decides again
    with monkeypatch.context() as patch:
        patch.setattr(testcontainers_config, "max_tries", 5)
        patch.setattr(testcontainers_config, "sleep_time", 0.2)
        assert testcontainers_config.timeout == pytest.approx(1.0)
        assert load_config().startup_timeout == pytest.approx(1.0)  # starts give up as fast
    with pytest.raises(AttributeError):
        testcontainers_config.timeout = 3  # type: ignore[misc]  # read-only upstream too


def test_constructor_arguments_of_testcontainers_python() -> None:
    # Upstream: DockerContainer(image, command=, env=, ports=, volumes=, network_aliases=...).
    with Network() as network:
        container = DockerContainer(
            REDIS,
            command=["redis-server", "--protected-mode", "no"],
            env={"GREETING": "hi"},
            ports=[6379],
            network=network,
            network_aliases=["cache"],
            transferables=[(b"copied\n", "/etc/copied.txt")],
            _wait_strategy=READY,
        )
        with container:
            assert redis_ping(container.get_container_host_ip(), container.get_exposed_port(6379))
            assert container.exec("sh -c 'echo $GREETING'").output == b"hi\n"
            assert container.exec(["cat", "/etc/copied.txt"]).output == b"copied\n"
            assert container.network_aliases(network) == ["cache"]


def test_bind_ports_take_numeric_strings_and_empty_for_random() -> None:
    # Upstream: with_bind_ports(6379, "16379"); "" (or None) means a random host port.
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    container = DockerContainer(REDIS).with_bind_ports(6379, str(free)).with_bind_ports(6380, "")
    with container.waiting_for(READY):
        assert container.get_exposed_port(6379) == free
        assert container.get_exposed_port(6380) > 0
    with pytest.raises(ConfigurationError, match="not a port number"):
        DockerContainer(REDIS).with_bind_ports(6379, "abc")


def test_stop_keeps_volumes_when_asked(docker_client: Any) -> None:
    # Upstream: stop(force=True, delete_volume=True); delete_volume=False keeps them.
    import docker.types

    container = DockerContainer(
        REDIS, mounts=[docker.types.Mount("/scratch", None, type="volume")]
    ).waiting_for(READY)
    container.start()
    attrs = container.get_wrapped_container().attrs
    volume = next(m["Name"] for m in attrs["Mounts"] if m["Destination"] == "/scratch")
    container.stop(force=False, delete_volume=False)
    try:
        assert docker_client.volumes.get(volume)
    finally:
        docker_client.volumes.get(volume).remove()


def test_status_reload_wait_and_inspect_info() -> None:
    # Upstream: status is "not_started" before start; wait() returns the exit code;
    # get_container_info() gives the inspect data by attribute.
    container = DockerContainer(CLIENT).with_command(["sh", "-c", "sleep 0.5; exit 3"])
    assert container.status == "not_started" and container.get_container_info() is None
    with container:
        info = container.get_container_info()
        assert info is not None and info.Config.Image.startswith("dockyard.local/client")
        assert container.wait() == 3
        container.reload()
        assert container.status == "exited"
        assert container.get_container_id() == container.id


def test_exec_with_config_or_keywords_and_env_file(tmp_path: Path) -> None:
    # Upstream: exec(ExecConfig(cmd, user=, environment=, workdir=)); with_env_file(path).
    (tmp_path / ".env").write_text("# settings\nexport FIRST=one\nSECOND='two words'\n")
    container = (
        DockerContainer(CLIENT).with_command(["sleep", "60"]).with_env_file(tmp_path / ".env")
    )
    with container:
        result = container.exec(
            ExecConfig(
                ["sh", "-c", "echo $FIRST $SECOND $EXTRA; pwd; id -u"],
                user="65534",
                environment={"EXTRA": "x"},
                workdir="/tmp",
            )
        )
        assert result.output.decode().split("\n")[:3] == ["one two words x", "/tmp", "65534"]
        assert container.exec(["pwd"], workdir="/etc").output == b"/etc\n"


def test_wait_container_is_ready_retries_transient_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    # Upstream: retries on TimeoutError/ConnectionError (and the listed ones) for
    # testcontainers_config.timeout at call time; returns the function's value.
    monkeypatch.setattr(testcontainers_config, "sleep_time", 0.01)
    calls: list[int] = []

    class Probe:
        def get_container_host_ip(self) -> str:
            return "localhost"

        @wait_container_is_ready(KeyError)
        def connect(self) -> str:
            calls.append(1)
            if len(calls) < 3:
                raise KeyError("not yet")
            return "connected"

    assert Probe().connect() == "connected" and len(calls) == 3
    monkeypatch.setattr(testcontainers_config, "max_tries", 3)
    with pytest.raises(TimeoutError, match="exceeded"):
        wait_container_is_ready()(lambda c: (_ for _ in ()).throw(ConnectionError("x")))(Probe())
    assert wait_for(lambda: True) is True


def test_fluent_http_wait_and_composite() -> None:
    # Upstream 4.10+: HttpWaitStrategy(port).for_status_code(404) accepts 200 and 404;
    # CompositeWaitStrategy runs its strategies in turn.
    strategy = CompositeWaitStrategy(
        LogMessageWaitStrategy("Serving HTTP"),
        HttpWaitStrategy(8000, "/missing").for_status_code(404).with_method("get"),
        HttpWaitStrategy(8000).for_response_predicate(lambda body: "hostname" in body),
    ).with_startup_timeout(timedelta(seconds=30))
    container = (
        DockerContainer(CLIENT)
        .with_exposed_ports(8000)
        .with_command(["sh", "-c", "cd /etc && exec python3 -u -m http.server 8000"])
        .waiting_for(strategy)
    )
    with container:
        assert container.get_exposed_port(8000) > 0
    assert HttpWaitStrategy.from_url("https://example.invalid:8443/health").https


def test_log_wait_on_both_streams_and_host_file(tmp_path: Path) -> None:
    # Upstream: predicate_streams_and=True needs the match in stdout and in stderr.
    script = "echo ready; sleep 0.3; echo ready >&2; exec sleep 60"
    both = LogMessageWaitStrategy("ready", predicate_streams_and=True)
    with DockerContainer(CLIENT).with_command(["sh", "-c", script]).waiting_for(both) as c:
        out, err = c.get_logs()
        assert b"ready" in out and b"ready" in err
    marker = tmp_path / "marker"
    marker.write_text("x")
    with (
        DockerContainer(CLIENT)
        .with_command(["sleep", "60"])
        .waiting_for(FileExistsWaitStrategy(marker))
    ):
        pass


def test_docker_client_of_testcontainers_python() -> None:
    # Upstream: DockerClient().client is docker-py; port() returns a str; get_container()
    # the engine's list entry.
    client = DockerClient()
    with DockerContainer(REDIS).with_exposed_ports(6379).waiting_for(READY) as redis:
        assert client.client.containers.get(redis.id).id == redis.id
        assert client.port(redis.id, 6379) == str(redis.get_exposed_port(6379))
        assert client.get_container(redis.id)["State"] == "running"
        assert client.bridge_ip(redis.id)
        assert client.host() == redis.get_container_host_ip()
        assert redis.get_docker_client().client is redis.get_docker_client().containers.client
    with pytest.raises(ContainerStartException):
        DockerContainer(REDIS).get_container_host_ip()


def test_labels_session_id_and_images(tmp_path: Path) -> None:
    # Upstream: create_labels() reserves org.testcontainers; SESSION_ID is the session's;
    # DockerImage(path, tag=..., clean_up=True) has short_id and get_logs().
    assert session_id() == SESSION_ID
    assert create_labels("redis:7", {"team": "a"})["team"] == "a"
    with pytest.raises(ConfigurationError, match="reserved"):
        create_labels("redis:7", {"org.testcontainers.x": "y"})
    with pytest.raises(ConfigurationError, match="no_such_option"):
        DockerImage(tmp_path, no_such_option=1)
    (tmp_path / "Dockerfile").write_text(f"FROM {CLIENT}\nRUN echo built\n")
    with DockerImage(tmp_path, tag="dockyard.local/compat-image:1") as image:
        assert len(image.short_id) == 12
        assert any("built" in str(line.get("stream", "")) for line in image.get_logs())
        assert str(image) == "dockyard.local/compat-image:1"


def test_server_container_is_ready_on_200_or_404() -> None:
    # Upstream testcontainers.generic: ServerContainer(port, image), ready on / → 200 or 404.
    class Static(ServerContainer):
        def get_api_url(self) -> str:
            return self._create_connection_url()

    server = Static(8000, CLIENT).with_command(["python3", "-m", "http.server", "8000"])
    with server:
        assert server.get_api_url().startswith("http://")
