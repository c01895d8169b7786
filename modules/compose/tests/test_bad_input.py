"""Bad input: each mistake is a named error that says what to do, and nothing is left."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockyard.compose import (
    ComposeFileError,
    ComposeTimeoutError,
    DockerCompose,
    ServiceExitedError,
    UnknownServiceError,
)
from dockyard.core import (
    ConfigurationError,
    ContainerStartupError,
    DockyardError,
    LogMessageWaitStrategy,
    StartupTimeoutError,
)

from conftest import DATA, nothing_left


def test_an_invalid_file_fails_before_anything_is_created() -> None:
    environment = DockerCompose(DATA / "bad", compose_file_name="invalid.yaml")
    with pytest.raises(ComposeFileError, match="do not make a valid project") as raised:
        environment.start()
    assert isinstance(raised.value, ConfigurationError)
    assert "imagee" in raised.value.compose_output
    assert "imagee" in str(raised.value)  # the end of compose's output is in the message
    assert nothing_left(environment.project_name)


def test_missing_files_and_directories_are_named_at_once(tmp_path: Path) -> None:
    with pytest.raises(ComposeFileError, match=r"nope\.yaml not found"):
        DockerCompose(DATA / "pair", compose_file_name="nope.yaml")
    with pytest.raises(ComposeFileError, match="is not a directory"):
        DockerCompose(tmp_path / "missing")
    with pytest.raises(ComposeFileError, match="No compose file in"):
        DockerCompose(tmp_path)


def test_names_where_lists_are_expected_are_refused() -> None:
    with pytest.raises(ConfigurationError, match=r"services=\['cache'\]"):
        DockerCompose(DATA / "pair", services="cache")
    with pytest.raises(ConfigurationError, match="waiting_for takes"):
        DockerCompose(DATA / "pair").waiting_for({"cache": "Ready"})  # type: ignore[dict-item]
    with pytest.raises(ConfigurationError, match="positive"):
        DockerCompose(DATA / "pair").with_startup_timeout(0)


def test_an_unknown_service_is_refused_before_anything_starts() -> None:
    environment = DockerCompose(DATA / "pair", services=["cache", "cahce"])
    with pytest.raises(UnknownServiceError, match=r"'cahce' \(in services=\)") as raised:
        environment.start()
    assert raised.value.known == ["cache", "client", "db", "tool"]
    assert nothing_left(environment.project_name)
    waiting = DockerCompose(DATA / "pair").waiting_for({"web": LogMessageWaitStrategy("x")})
    with pytest.raises(UnknownServiceError, match="in waiting_for"):
        waiting.start()
    assert nothing_left(waiting.project_name)


def test_an_unknown_service_after_start_is_named(pair_cache: DockerCompose) -> None:
    for call in (
        lambda: pair_cache.get_container("web"),
        lambda: pair_cache.get_service_port("web", 80),
        lambda: pair_cache.exec_in_container(["true"], "web"),
        lambda: pair_cache.get_logs("web"),
    ):
        with pytest.raises(UnknownServiceError, match="'web' is not defined"):
            call()


def test_a_service_that_exits_during_up_is_named_with_its_logs() -> None:
    environment = DockerCompose(DATA / "bad", compose_file_name="exits.yaml")
    with pytest.raises(ServiceExitedError) as raised:
        environment.start()
    error = raised.value
    assert isinstance(error, ContainerStartupError) and isinstance(error, DockyardError)
    assert (error.service, error.exit_code) == ("broken", 3)
    assert "boom: missing configuration" in error.logs
    assert "exited (3)" in error.compose_output  # what `up --wait` said
    assert nothing_left(environment.project_name)


def test_a_service_that_never_gets_healthy_times_out() -> None:
    environment = DockerCompose(DATA / "bad", "unhealthy.yaml").with_startup_timeout(3)
    with pytest.raises(ComposeTimeoutError, match="not ready within 3s") as raised:
        environment.start()
    assert isinstance(raised.value, StartupTimeoutError) and isinstance(raised.value, TimeoutError)
    assert "sick" in str(raised.value)
    assert nothing_left(environment.project_name)


@pytest.fixture(scope="module")
def pair_cache() -> object:
    with DockerCompose(DATA / "pair", services=["cache"]) as environment:
        yield environment
