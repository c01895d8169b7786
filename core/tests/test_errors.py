"""The exception hierarchy and its advice."""

from __future__ import annotations

import pytest

import dockyard.core as core
from dockyard.core import DockerContainer, DockerUnavailableError, DockyardError, current_session


def test_every_error_is_a_dockyard_error() -> None:
    for name in (
        "DockerUnavailableError",
        "ImageNotFoundError",
        "ContainerStartupError",
        "ContainerNotStartedError",
        "PortNotExposedError",
        "ReadinessAbort",
        "ConfigurationError",
        "StartupTimeoutError",
        "PortNotPublishedError",
        "ReaperError",
        "ImageBuildError",
        "EngineError",
        "NotFoundError",
        "ConflictError",
        "HookError",
        "NotReady",
    ):
        assert issubclass(getattr(core, name), DockyardError), name


def test_unreachable_engine_says_how_to_start_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", "tcp://127.0.0.1:9")
    with pytest.raises(DockerUnavailableError, match="DOCKER_HOST") as info:
        current_session()
    assert "dockerd" in str(info.value)
    assert "tools/" not in str(info.value)  # no hint that only makes sense in this repository
    with pytest.raises(DockerUnavailableError):
        DockerContainer("redis:7").start()


def test_public_names_of_the_contract() -> None:
    for name in (
        "DockerContainer",
        "Network",
        "ExecResult",
        "WaitStrategy",
        "LogMessageWaitStrategy",
        "PortWaitStrategy",
        "HttpWaitStrategy",
        "ExecWaitStrategy",
        "HealthcheckWaitStrategy",
        "CallableWaitStrategy",
        "AllOf",
        "AnyOf",
        "PollingWaitStrategy",
        "WaitTarget",
    ):
        assert name in core.__all__
    container = DockerContainer("redis:7")
    for method in (
        "with_exposed_ports",
        "with_bind_ports",
        "with_env",
        "with_envs",
        "with_command",
        "with_entrypoint",
        "with_name",
        "with_label",
        "with_labels",
        "with_volume_mapping",
        "with_tmpfs",
        "with_network",
        "with_network_aliases",
        "waiting_for",
        "with_startup_timeout",
        "with_reuse",
        "with_copy_to_container",
        "start",
        "stop",
        "host",
        "get_container_host_ip",
        "mapped_port",
        "get_exposed_port",
        "exec",
        "get_logs",
        "get_wrapped_container",
        "copy_to_container",
        "copy_from_container",
        "network_aliases",
        "_configure",
        "_on_started",
        "_default_wait_strategy",
    ):
        assert callable(getattr(container, method)), method
