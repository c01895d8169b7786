"""Bad input, case by case: the named error, a message naming the cause, fast, nothing left.

Each case is run in this process with a session id of its own; afterwards the engine
must hold no container or network of that session and no new dangling volume. The
cases where the engine is unreachable point DOCKER_HOST at a closed port on loopback.
"""

from __future__ import annotations

import socket
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from harness import dangling_volumes, engine, leftovers, new_session, nothing_left, report

from dockyard.core import (
    ConfigurationError,
    ContainerNotRunningError,
    ContainerNotStartedError,
    ContainerStartupError,
    DockerContainer,
    DockerUnavailableError,
    DockyardError,
    HookError,
    ImageNotFoundError,
    LogMessageWaitStrategy,
    Network,
    PortNotExposedError,
    ReadinessAbort,
    ReaperError,
    RunningContainer,
)
from dockyard.kafka import KafkaContainer, KafkaListenerError
from dockyard.postgres import PostgresContainer
from dockyard.redis import RedisContainer

# Fail fast means not waiting out the 60 s startup timeout; the bound leaves a busy machine
# room (a PostgreSQL start alone took 11 s at load 12). The printed figures are the measure.
BOUND = 20.0
READY = LogMessageWaitStrategy("Ready to accept")


@dataclass(frozen=True)
class Case:
    name: str
    run: Callable[[pytest.MonkeyPatch, Path], object]
    error: type[BaseException]
    message: str


def redis() -> DockerContainer:
    return DockerContainer("redis:7").with_exposed_ports(6379)


def start(container: DockerContainer) -> None:
    try:
        container.start()
    finally:
        container.stop()


def with_env(name: str, value: str, then: Callable[[], object]) -> Callable[..., object]:
    def run(monkeypatch: pytest.MonkeyPatch, tmp: Path) -> object:
        monkeypatch.setenv(name, value)
        return then()

    return run


def builder(call: Callable[[], object]) -> Callable[..., object]:
    return lambda monkeypatch, tmp: call()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_in_use(monkeypatch: pytest.MonkeyPatch, tmp: Path) -> None:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        start(redis().with_bind_ports(6379, held.getsockname()[1]))


def name_taken(monkeypatch: pytest.MonkeyPatch, tmp: Path) -> None:
    name = new_session("taken")
    with DockerContainer("redis:7").with_name(name).waiting_for(READY):
        start(DockerContainer("redis:7").with_name(name))


def exec_after_stop(monkeypatch: pytest.MonkeyPatch, tmp: Path) -> None:
    container = DockerContainer("redis:7").waiting_for(READY).start()
    running = container.running
    container.stop()
    running.exec(["true"])


def port_never_exposed(monkeypatch: pytest.MonkeyPatch, tmp: Path) -> None:
    with DockerContainer("redis:7").waiting_for(READY) as container:
        container.mapped_port(1234)


def non_utf8_properties(monkeypatch: pytest.MonkeyPatch, tmp: Path) -> None:
    (tmp / ".testcontainers.properties").write_bytes(b"ryuk.disabled=\xff\xfe\n")
    monkeypatch.setenv("HOME", str(tmp))
    start(redis())


def missing_driver(monkeypatch: pytest.MonkeyPatch, tmp: Path) -> None:
    monkeypatch.setitem(sys.modules, "psycopg2", None)  # as if it was never installed
    start(PostgresContainer(driver="psycopg2"))


def wrong_password(monkeypatch: pytest.MonkeyPatch, tmp: Path) -> None:
    # Redis: the bound is about failing fast, not about a server's own start-up time
    # (PostgreSQL's initdb alone can take seconds on a loaded machine; its case is in
    # modules/postgres/tests/test_failures.py).
    from dockyard.redis import RedisPingWaitStrategy

    server = RedisContainer(password="server-secret")
    start(server.waiting_for(RedisPingWaitStrategy(password="not-the-servers")))


def misspelt_hook(monkeypatch: pytest.MonkeyPatch, tmp: Path) -> None:
    class Misspelt(DockerContainer):
        def _on_start(self, container: RunningContainer) -> None: ...


def engine_down(monkeypatch: pytest.MonkeyPatch, tmp: Path) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"tcp://127.0.0.1:{free_port()}")
    start(redis())


def socket_missing(monkeypatch: pytest.MonkeyPatch, tmp: Path) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp}/no-such-docker.sock")
    start(redis())


def wrong_host_override(monkeypatch: pytest.MonkeyPatch, tmp: Path) -> None:
    monkeypatch.delenv("TESTCONTAINERS_RYUK_DISABLED", raising=False)
    monkeypatch.setenv("TESTCONTAINERS_HOST_OVERRIDE", "127.0.0.2")  # loopback, nobody there
    start(redis())


CASES = [
    Case(
        "port not a number",
        builder(lambda: redis().with_exposed_ports("abc/tcp")),
        ConfigurationError,
        "not a port number",
    ),
    Case(
        "port out of range",
        builder(lambda: redis().with_exposed_ports(70000)),
        ConfigurationError,
        "out of range",
    ),
    Case(
        "unknown protocol",
        builder(lambda: redis().with_exposed_ports("53/icmp")),
        ConfigurationError,
        "protocol",
    ),
    Case(
        "negative host port",
        builder(lambda: redis().with_bind_ports(6379, -1)),
        ConfigurationError,
        "Host port",
    ),
    Case(
        "empty env name",
        builder(lambda: redis().with_env("", "x")),
        ConfigurationError,
        "Environment variable",
    ),
    Case(
        "env name with =",
        builder(lambda: redis().with_env("A=B", 1)),
        ConfigurationError,
        "Environment variable",
    ),
    Case("empty command", builder(lambda: redis().with_command([])), ConfigurationError, "command"),
    Case(
        "blank entrypoint",
        builder(lambda: redis().with_entrypoint("  ")),
        ConfigurationError,
        "entrypoint",
    ),
    Case(
        "bad container name",
        builder(lambda: redis().with_name("-bad")),
        ConfigurationError,
        "Container name",
    ),
    Case(
        "relative volume target",
        builder(lambda: redis().with_volume_mapping("/tmp", "rel")),
        ConfigurationError,
        "absolute",
    ),
    Case(
        "volume mode",
        builder(lambda: redis().with_volume_mapping("/tmp", "/x", "rx")),
        ConfigurationError,
        "Volume mode",
    ),
    Case(
        "relative tmpfs",
        builder(lambda: redis().with_tmpfs("rel")),
        ConfigurationError,
        "tmpfs path",
    ),
    Case(
        "alias with a space",
        builder(lambda: redis().with_network("n").with_network_aliases("my cache")),
        ConfigurationError,
        "host name",
    ),
    Case(
        "alias with a shell",
        builder(lambda: redis().with_network("n").with_network_aliases("a;rm -rf/$x")),
        ConfigurationError,
        "host name",
    ),
    Case(
        "aliases without a network",
        builder(lambda: start(redis().with_network_aliases("cache"))),
        ConfigurationError,
        "no network",
    ),
    Case(
        "negative timeout",
        builder(lambda: redis().with_startup_timeout(-1)),
        ConfigurationError,
        "startup timeout",
    ),
    Case(
        "unknown docker option",
        builder(lambda: start(redis().with_kwargs(not_a_docker_option=1))),
        ConfigurationError,
        "not_a_docker_option",
    ),
    Case(
        "malformed memory limit",
        builder(lambda: start(redis().with_kwargs(mem_limit="lots"))),
        ConfigurationError,
        "lots",
    ),
    Case(
        "malformed volumes=",
        builder(lambda: DockerContainer("redis:7", volumes=[("/tmp",)])),
        ConfigurationError,
        "host, container",
    ),
    Case(
        "image name with a space",
        builder(lambda: DockerContainer("bad image")),
        ConfigurationError,
        "Image name",
    ),
    Case(
        "not a wait strategy",
        builder(lambda: redis().waiting_for("ready")),
        ConfigurationError,
        "WaitStrategy",
    ),  # type: ignore[arg-type]
    Case(
        "log pattern not a regex",
        builder(lambda: LogMessageWaitStrategy("(")),
        ConfigurationError,
        "regex",
    ),
    Case(
        "copy of a missing file",
        lambda m, tmp: redis().with_copy_to_container(tmp / "nope", "/x"),
        ConfigurationError,
        "does not exist",
    ),
    Case(
        "copy to a relative path",
        builder(lambda: redis().with_copy_to_container(b"x", "rel")),
        ConfigurationError,
        "absolute",
    ),
    Case(
        "substitution without =",
        with_env("DOCKYARD_IMAGE_SUBSTITUTIONS", "postgres", lambda: start(redis())),
        ConfigurationError,
        "name=replacement",
    ),
    Case(
        "unknown pull policy",
        with_env("TESTCONTAINERS_PULL_POLICY", "sometimes", lambda: start(redis())),
        ConfigurationError,
        "pull.policy",
    ),
    Case(
        "timeout not a number",
        with_env("DOCKYARD_STARTUP_TIMEOUT", "soon", lambda: start(redis())),
        ConfigurationError,
        "not a number",
    ),
    Case(
        "reaper switch not a boolean",
        with_env("TESTCONTAINERS_RYUK_DISABLED", "maybe", lambda: start(redis())),
        ConfigurationError,
        "not a boolean",
    ),
    Case("properties not UTF-8", non_utf8_properties, ConfigurationError, "not UTF-8"),
    Case(
        "image missing, pull never",
        with_env(
            "TESTCONTAINERS_PULL_POLICY",
            "never",
            lambda: start(DockerContainer("dockyard.local/nope:1")),
        ),
        ImageNotFoundError,
        "pull.policy=never",
    ),
    Case(
        "image missing, pull fails",
        builder(lambda: start(DockerContainer("dockyard.local/nope:1"))),
        ImageNotFoundError,
        "pull failed",
    ),
    Case("name already taken", name_taken, ContainerStartupError, "already exists"),
    Case("host port in use", port_in_use, ContainerStartupError, "already in use"),
    Case(
        "second network missing",
        builder(
            lambda: start(redis().with_network(Network()).with_network("dockyard-no-such-net"))
        ),
        ContainerStartupError,
        "dockyard-no-such-net",
    ),
    Case(
        "command not in the image",
        builder(lambda: start(redis().with_entrypoint(["no-such-binary"]))),
        ContainerStartupError,
        "executable",
    ),
    Case("exec after stop", exec_after_stop, ContainerNotRunningError, "start a new"),
    Case(
        "port never exposed",
        port_never_exposed,
        PortNotExposedError,
        "with_exposed_ports",
    ),
    Case(
        "port before start",
        builder(lambda: redis().mapped_port(6379)),
        ContainerNotStartedError,
        "start()",
    ),
    Case(
        "unknown postgres driver",
        builder(lambda: PostgresContainer(driver="nope")),
        ConfigurationError,
        "Unknown PostgreSQL driver",
    ),
    Case(
        "postgres driver not installed",
        missing_driver,
        ConfigurationError,
        r"dockyard-postgres\[psycopg2\]",
    ),
    Case(
        "redis wrong password",
        wrong_password,
        ReadinessAbort,
        "WRONGPASS|invalid username-password",
    ),
    Case(
        "redis config file missing",
        lambda m, tmp: RedisContainer().with_config_file(tmp / "nope.conf"),
        ConfigurationError,
        "not found",
    ),
    Case(
        "kafka listener without port",
        builder(lambda: KafkaContainer().with_listener("kafka")),
        KafkaListenerError,
        "no port",
    ),
    Case(
        "kafka cluster id",
        builder(lambda: KafkaContainer(cluster_id="short")),
        ConfigurationError,
        "Cluster id",
    ),
    Case(
        "blank network name", builder(lambda: Network(name=" ")), ConfigurationError, "Network name"
    ),
    Case(
        "bad network option",
        builder(lambda: Network(no_such_option=1).create()),
        ConfigurationError,
        "no_such_option",
    ),
    Case("misspelt hook", misspelt_hook, HookError, "misspelt hook"),
    Case("engine down (closed port)", engine_down, DockerUnavailableError, "DOCKER_HOST"),
    Case("engine socket missing", socket_missing, DockerUnavailableError, "no-such-docker.sock"),
    Case("wrong host override", wrong_host_override, ReaperError, "TESTCONTAINERS_HOST_OVERRIDE"),
]


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    sid = new_session("bad-input")
    monkeypatch.setenv("TESTCONTAINERS_SESSION_ID", sid)
    monkeypatch.setenv("TESTCONTAINERS_RYUK_DISABLED", "true")  # leftovers are ours to find
    yield sid


TIMINGS: dict[str, float] = {}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(
    case: Case, session: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    client = engine()
    volumes_before = dangling_volumes(client)
    began = time.monotonic()
    with pytest.raises(case.error, match=case.message) as caught:
        case.run(monkeypatch, tmp_path)
    took = time.monotonic() - began
    TIMINGS[case.name] = took
    assert isinstance(caught.value, DockyardError)
    assert took < BOUND, f"{case.name} took {took:.1f}s"
    monkeypatch.undo()
    assert nothing_left(leftovers(client, session)), leftovers(client, session)
    assert dangling_volumes(client) <= volumes_before


def test_bad_input_figures() -> None:
    """Runs last in this file: prints how long the cases took."""
    if TIMINGS:
        slowest = max(TIMINGS, key=lambda k: TIMINGS[k])
        report(
            "bad input",
            cases=len(TIMINGS),
            slowest=slowest,
            slowest_seconds=round(TIMINGS[slowest], 2),
        )
    assert len(CASES) >= 30
