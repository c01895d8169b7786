"""DockerContainer lifecycle, builder options, ports and host against the real engine."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import docker.errors
import docker.types
import pytest
from conftest import REDIS, container_ids, engine_host, redis_ping, unique, wait_until

from dockyard.core import (
    LABEL_LANG,
    LABEL_SESSION_ID,
    LABEL_VERSION,
    ConfigurationError,
    ContainerNotRunningError,
    ContainerNotStartedError,
    ContainerSpec,
    ContainerStartupError,
    DockerContainer,
    LogMessageWaitStrategy,
    Network,
    PortNotExposedError,
    PortNotPublishedError,
    RunningContainer,
    __version__,
    session_id,
)

pytestmark = pytest.mark.usefixtures("no_leftovers")
READY = LogMessageWaitStrategy("Ready to accept connections")


def test_start_stop_removes_container_and_anonymous_volumes(docker_client: Any) -> None:
    container = (
        DockerContainer(REDIS, mounts=[docker.types.Mount("/scratch", None, type="volume")])
        .with_exposed_ports(6379)
        .waiting_for(READY)
    )
    container.start()
    wrapped = container.get_wrapped_container()
    volume = next(m["Name"] for m in wrapped.attrs["Mounts"] if m["Destination"] == "/scratch")
    assert docker_client.volumes.get(volume)
    container.stop()
    with pytest.raises(docker.errors.NotFound):
        docker_client.containers.get(wrapped.id)
    with pytest.raises(docker.errors.NotFound):
        docker_client.volumes.get(volume)
    container.stop()  # stopping twice is harmless


def test_start_stop_start_creates_the_same_container_again() -> None:
    container = (
        DockerContainer(REDIS)
        .with_exposed_ports(6379)
        .with_env("ROUND", "same")
        .with_copy_to_container(b"copied once", "/etc/dockyard.txt")
        .waiting_for(READY)
    )
    ids = []
    for _ in range(2):
        with container:
            ids.append(container.id)
            assert redis_ping(container.host(), container.mapped_port(6379))
            assert container.exec(["cat", "/etc/dockyard.txt"]).output == b"copied once"
            assert container.exec(["sh", "-c", "echo $ROUND"]).output == b"same\n"
        assert not container.started
    assert ids[0] != ids[1]
    assert len(container.spec.copies) == 1


def test_context_manager_ports_and_host() -> None:
    with (
        DockerContainer(REDIS)
        .with_exposed_ports(6379, "6380/tcp", "53/udp")
        .waiting_for(READY) as redis
    ):
        # This machine has /.dockerenv but its own engine; a tcp:// engine is at its address.
        assert redis.host() == engine_host()
        assert redis.get_container_host_ip() == redis.host()
        port = redis.mapped_port(6379)
        assert redis.get_exposed_port("6379/tcp") == port
        assert redis_ping(redis.host(), port)
        assert redis.mapped_port("53/udp") > 0
        bindings = redis.get_wrapped_container().attrs["NetworkSettings"]["Ports"]
        assert {b["HostIp"] for b in bindings["6379/tcp"]} == {"127.0.0.1"}
        assert redis.id and redis.name


def test_mapped_port_before_start_and_unknown_port() -> None:
    container = DockerContainer(REDIS).with_exposed_ports(6379, "53/udp")
    with pytest.raises(ContainerNotStartedError):
        container.mapped_port(6379)
    with pytest.raises(ContainerNotStartedError):
        container.host()
    with container.waiting_for(READY), pytest.raises(PortNotExposedError, match="6379/tcp, 53/udp"):
        container.mapped_port(6380)
    with pytest.raises(ContainerNotStartedError):
        container.mapped_port(6379)  # after stop


def test_unpublished_port_waits_briefly_then_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    import dockyard.core._running as running_mod

    monkeypatch.setattr(running_mod, "PORT_PUBLISH_TIMEOUT", 0.5)
    # network_mode=none: the engine never publishes anything.
    container = DockerContainer(REDIS, network_mode="none").with_exposed_ports(6379)
    started = time.monotonic()
    with pytest.raises(PortNotPublishedError, match="6379/tcp"):
        container.start()
    assert time.monotonic() - started < 10
    assert not container.started


def test_bind_ports_fixed_host_port() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]
    with DockerContainer(REDIS).with_bind_ports(6379, free).waiting_for(READY) as redis:
        assert redis.mapped_port(6379) == free
        assert redis_ping(engine_host(), free)


def test_builder_options_reach_the_container(tmp_path: Path) -> None:
    (tmp_path / "hello.txt").write_text("from the host")
    name = unique("dockyard-core-opts")
    container = (
        DockerContainer(REDIS)
        .with_name(name)
        .with_env("GREETING", "hi")
        .with_envs(ANSWER=42)
        .with_label("team", "core")
        .with_labels({"purpose": "test"})
        .with_entrypoint(["sh", "-c"])
        .with_command(['echo "$GREETING $ANSWER"; exec sleep 60'])
        .with_volume_mapping(tmp_path, "/mnt/host", "ro")
        .with_tmpfs("/fast", "size=1m")
        .waiting_for(LogMessageWaitStrategy("hi 42"))
    )
    with container:
        assert container.name == name
        attrs = container.get_wrapped_container().attrs
        labels = attrs["Config"]["Labels"]
        assert labels["team"] == "core" and labels["purpose"] == "test"
        assert labels["org.testcontainers"] == "true"
        assert labels[LABEL_LANG] == "python"
        assert labels[LABEL_VERSION] == __version__
        assert labels[LABEL_SESSION_ID] == session_id()
        assert attrs["Config"]["Entrypoint"] == ["sh", "-c"]
        mounts = container.exec(["sh", "-c", "grep ' /fast ' /proc/mounts"]).output
        assert mounts.startswith(b"tmpfs /fast tmpfs")
        result = container.exec(["cat", "/mnt/host/hello.txt"])
        assert result.exit_code == 0 and result.output == b"from the host"
        assert container.exec("touch /mnt/host/nope").exit_code != 0  # read-only


def test_exec_returns_exit_code_and_output() -> None:
    with DockerContainer(REDIS).waiting_for(READY) as redis:
        ok = redis.exec(["sh", "-c", "echo out; echo err >&2; exit 3"])
        assert ok.exit_code == 3
        assert b"out" in ok.output and b"err" in ok.output
        assert redis.exec("redis-cli ping").output.strip() == b"PONG"


def test_get_logs_splits_stdout_and_stderr() -> None:
    with (
        DockerContainer(REDIS)
        .with_command(["sh", "-c", "echo to-out; echo to-err >&2; exec sleep 60"])
        .waiting_for(LogMessageWaitStrategy("to-err")) as c
    ):
        out, err = c.get_logs()
        assert b"to-out" in out and b"to-out" not in err
        assert b"to-err" in err and b"to-err" not in out


@pytest.mark.parametrize(
    "bad",
    [
        lambda c: c.with_exposed_ports("abc/tcp"),
        lambda c: c.with_bind_ports(6379, -1),
        lambda c: c.with_startup_timeout(-1),
        lambda c: c.with_network_aliases("-not-a-host-name"),
        lambda c: c.with_command([]),
        lambda c: c.with_tmpfs("relative"),
        lambda c: c.with_kwargs(not_a_docker_option=1),
        lambda c: c.with_kwargs(mem_limit="lots"),
        lambda c: c.with_kwargs(ports=[6379]),
    ],
)
def test_bad_input_fails_fast_without_creating_anything(docker_client: Any, bad: Any) -> None:
    mine = f"{LABEL_SESSION_ID}={session_id()}"
    before = container_ids(docker_client, label=mine)
    network = Network()
    container = DockerContainer(REDIS).with_network(network).with_exposed_ports(6379)
    with pytest.raises(ConfigurationError):
        # Should the builder call ever accept the input, start() runs and creates things.
        bad(container).start()
    assert not network.created
    assert not container.started
    assert container_ids(docker_client, label=mine) == before


def test_constructor_rejects_bad_docker_options() -> None:
    with pytest.raises(ConfigurationError, match=r"with_exposed_ports\(6379\)"):
        DockerContainer(REDIS).with_kwargs(ports=[6379])  # not docker-py's ports mapping
    with pytest.raises(ConfigurationError, match="host, container"):
        DockerContainer(REDIS, volumes=["/tmp"])  # type: ignore[list-item]
    with pytest.raises(ConfigurationError, match="not_a_docker_option"):
        DockerContainer(REDIS, not_a_docker_option=True)
    with pytest.raises(ConfigurationError):
        LogMessageWaitStrategy("x", times=0)
    with pytest.raises(ConfigurationError):
        Network(name=" ")


class LateBadOption(DockerContainer):
    """A module whose _configure_spec() adds an option docker-py does not know."""

    def _configure_spec(self, spec: ContainerSpec) -> ContainerSpec:
        return super()._configure_spec(spec).with_options(not_a_docker_option=1)


def test_bad_option_from_a_module_fails_before_anything_is_created(docker_client: Any) -> None:
    network = Network()
    container = LateBadOption(REDIS).with_network(network)
    with pytest.raises(ConfigurationError, match="not_a_docker_option"):
        container.start()
    assert not network.created
    assert not docker_client.api.networks(names=[network.name])


def test_container_exiting_before_its_ports_are_published_says_why() -> None:
    # network_mode=none: no port is ever published, so only the exit can end the wait.
    container = (
        DockerContainer(REDIS, network_mode="none")
        .with_exposed_ports(6379)
        .with_command(["sh", "-c", "sleep 1; echo crash-line >&2; exit 4"])
        .waiting_for(LogMessageWaitStrategy("never printed"))
    )
    started = time.monotonic()
    with pytest.raises(ContainerStartupError, match="exited") as info:
        container.start()
    assert time.monotonic() - started < 4.5  # before PORT_PUBLISH_TIMEOUT ran out
    assert info.value.exit_code == 4
    assert "crash-line" in info.value.logs


def test_without_a_wait_strategy_a_container_that_exits_is_still_started() -> None:
    # testcontainers-python: start() returns; the logs are there, the ports are not.
    container = (
        DockerContainer(REDIS)
        .with_exposed_ports(6379)
        .with_command(["sh", "-c", "echo all done; exit 0"])
    )
    with container:
        assert container.started
        assert wait_until(lambda: container.running.exited, 10, 0.05)
        assert b"all done" in container.get_logs()[0]
        with pytest.raises(ContainerNotRunningError, match=r"exit code 0"):
            container.mapped_port(6379)


class HookedRedis(DockerContainer):
    """What a module does: defaults in _configure, work in _on_started, its own readiness."""

    def __init__(self) -> None:
        super().__init__(REDIS)
        self.seen_port: int | None = None

    def _configure(self) -> None:
        super()._configure()
        self.with_exposed_ports(6379).with_env("MODULE_SETTING", "on")

    def _on_started(self, container: RunningContainer) -> None:
        super()._on_started(container)
        self.seen_port = container.mapped_port(6379)

    def _default_wait_strategy(self) -> LogMessageWaitStrategy:
        return LogMessageWaitStrategy("Ready to accept connections")


def test_module_hooks() -> None:
    with HookedRedis() as redis:
        assert redis.seen_port == redis.mapped_port(6379)
        assert redis_ping(redis.host(), redis.mapped_port(6379))  # default wait ran
        assert redis.exec(["sh", "-c", "echo $MODULE_SETTING"]).output.strip() == b"on"


def test_name_conflict_is_a_dockyard_error() -> None:
    name = unique("dockyard-core-dup")
    first = DockerContainer(REDIS).with_name(name).waiting_for(READY)
    with first, pytest.raises(ContainerStartupError, match="already exists"):
        DockerContainer(REDIS).with_name(name).start()


def test_mapped_port_of_a_container_that_died_is_an_error_not_a_stale_port() -> None:
    with DockerContainer(REDIS).with_exposed_ports(6379).waiting_for(READY) as redis:
        assert redis.mapped_port(6379) > 0  # now cached
        redis.get_wrapped_container().kill()
        # The exit reaches Dockyard as the end of the log stream (Podman ends it a moment
        # after kill returns); mapped_port() itself asks the engine nothing.
        assert wait_until(lambda: redis.running.exited, 10)
        with pytest.raises(ContainerNotRunningError, match=r"not running.*exit code"):
            redis.mapped_port(6379)
