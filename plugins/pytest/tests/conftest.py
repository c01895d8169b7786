"""Helpers for the plugin's tests: pytest runs inside pytest (pytester), with the plugin.

Each inner run loads dockyard-pytest with ``-p`` (a no-op where it is installed, since the
entry point has the module's name) and finds the module plugins among the sources on
``sys.path`` (DOCKYARD_PYTEST_DISCOVERY=namespace, as under Bazel), unless a test says
otherwise.
"""

from __future__ import annotations

import contextlib
import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import docker
import docker.errors
import pytest

pytest_plugins = ["pytester"]

DATA = Path(__file__).resolve().parent / "data"

RunPytest = Callable[..., pytest.RunResult]


@pytest.fixture
def inner(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> RunPytest:
    """``inner(*args)``: pytest in this process over the files the test wrote."""
    monkeypatch.setenv("DOCKYARD_PYTEST_DISCOVERY", "namespace")

    def run(*args: str) -> pytest.RunResult:
        return pytester.runpytest("-p", "dockyard.pytest", "-p", "no:cacheprovider", *args)

    return run


@pytest.fixture
def closed_port() -> int:
    """A loopback port nobody listens on (bound once, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def no_engine(monkeypatch: pytest.MonkeyPatch, closed_port: int) -> str:
    """DOCKER_HOST at a closed loopback port: no engine answers."""
    url = f"tcp://127.0.0.1:{closed_port}"
    monkeypatch.setenv("DOCKER_HOST", url)
    return url


@pytest.fixture
def label() -> Iterator[str]:
    """``key=value`` for --dockyard-label: what the inner run starts carries it; whatever of
    it is left at the end is removed (a test that keeps containers on purpose)."""
    value = uuid.uuid4().hex[:12]
    yield f"dockyard.test.plugin={value}"
    client = docker.from_env()
    try:
        for found in client.api.containers(
            all=True, filters={"label": f"dockyard.test.plugin={value}"}
        ):
            with contextlib.suppress(docker.errors.NotFound):  # its reaper was quicker
                client.api.remove_container(found["Id"], force=True, v=True)
    finally:
        client.close()


def containers_with(label: str) -> list[str]:
    """Names of the containers (running or not) that carry ``key=value``."""
    client = docker.from_env()
    try:
        # The low-level list: no inspect per container, which races with their removal.
        listed = client.api.containers(all=True, filters={"label": label})
        return [str(c["Names"][0]).lstrip("/") for c in listed]
    finally:
        client.close()
