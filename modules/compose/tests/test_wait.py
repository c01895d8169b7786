"""Per-service wait strategies from core, run on the service handles after ``up``."""

from __future__ import annotations

from typing import Any

import pytest

from dockyard.compose import ComposeContainer, DockerCompose, ServiceExitedError
from dockyard.core import (
    CallableWaitStrategy,
    ContainerStartupError,
    ExecWaitStrategy,
    HealthcheckWaitStrategy,
    HttpWaitStrategy,
    LogMessageWaitStrategy,
    PortWaitStrategy,
    StartupTimeoutError,
)

from conftest import DATA, nothing_left


def test_each_service_waits_with_its_own_strategy() -> None:
    seen: list[Any] = []

    def accepts_queries(container: Any) -> bool:
        seen.append(container)
        result = container.exec(["psql", "-U", "postgres", "-h", "127.0.0.1", "-tAc", "select 1"])
        return bool(result.exit_code == 0 and result.output.strip() == b"1")

    # wait=False: compose only starts the containers; readiness is the strategies' alone.
    environment = DockerCompose(DATA / "pair", wait=False, services=["cache", "db"]).waiting_for(
        {
            "cache": LogMessageWaitStrategy("Ready to accept connections"),
            "db": CallableWaitStrategy(accepts_queries),
        }
    )
    with environment:
        assert seen and isinstance(seen[0], ComposeContainer) and seen[0].service == "db"
        out, _, code = environment.exec_in_container(
            ["psql", "-U", "postgres", "-h", "127.0.0.1", "-tAc", "select 2"], "db"
        )
        assert (out.strip(), code) == ("2", 0)


def test_port_exec_and_health_strategies_work_on_services() -> None:
    environment = DockerCompose(DATA / "pair", wait=False, services=["cache", "db"]).waiting_for(
        {
            "cache": PortWaitStrategy(6379),
            "db": HealthcheckWaitStrategy(),
        }
    )
    with environment:
        assert environment.get_container("db").health_status() == "healthy"
    with DockerCompose(DATA / "pair", wait=False, services=["cache"]).waiting_for(
        {"cache": ExecWaitStrategy(["redis-cli", "ping"])}
    ) as env:
        assert env.get_container("cache").State == "running"


def test_a_strategy_that_never_passes_times_out_and_leaves_nothing() -> None:
    environment = (
        DockerCompose(DATA / "pair", wait=False, services=["cache"])
        .waiting_for({"cache": LogMessageWaitStrategy("a line redis never prints")})
        .with_startup_timeout(3)
    )
    with pytest.raises(StartupTimeoutError, match="was not ready within 3s"):
        environment.start()
    assert nothing_left(environment.project_name)


def test_a_service_that_exits_while_waited_for_fails_at_once() -> None:
    environment = DockerCompose(DATA / "bad", "exits.yaml", wait=False).waiting_for(
        {"broken": LogMessageWaitStrategy("never printed")}
    )
    with pytest.raises(ServiceExitedError) as raised:
        environment.start()
    error = raised.value
    assert isinstance(error, ContainerStartupError)
    assert (error.service, error.exit_code) == ("broken", 3)
    assert "boom: missing configuration" in error.logs
    assert nothing_left(environment.project_name)


def test_a_one_shot_service_others_wait_for_may_exit() -> None:
    with DockerCompose(DATA / "oneshot") as environment:
        out, _, _ = environment.exec_in_container(["cat", "/data/marker"], "cache")
        assert out.strip() == "seeded"
        seed = environment.get_container("seed", include_all=True)
        assert (seed.State, seed.ExitCode) == ("exited", 0)


def test_http_readiness_and_wait_for_a_url() -> None:
    environment = DockerCompose(DATA / "web", wait=False).waiting_for(
        {"web": HttpWaitStrategy(8000, "/")}
    )
    with environment:
        host, port = environment.get_service_host_and_port("web", 8000)
        assert environment.wait_for(f"http://{host}:{port}/") is environment
