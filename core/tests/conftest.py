"""Shared fixtures for dockyard-core's tests.

Integration tests talk to the real engine and the local images (reached through image
substitution, as in every test run); unit tests use ``dockyard.core.testing.FakeEngine``.
"""

from __future__ import annotations

import os
import socket
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

# Tests import the package from this checkout, wherever pytest is started from; the image
# tags come from tools/images/images.toml.
CORE_ROOT = Path(__file__).resolve().parent.parent
for _path in (CORE_ROOT, CORE_ROOT.parent / "tools" / "images"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import docker  # noqa: E402
from image_manifest import local_image, substitutions  # noqa: E402

from dockyard.core import LABEL_SESSION_ID, session_id  # noqa: E402

# Bazel sets this from the images a test lists; default it so a bare `pytest tests` works.
os.environ.setdefault("DOCKYARD_IMAGE_SUBSTITUTIONS", substitutions())

REDIS = "redis:7"  # the upstream name: substitution must map it to the local build
LOCAL_REDIS = local_image("redis")  # what it maps to
CLIENT = local_image("client")


@pytest.fixture(scope="session")
def docker_client() -> Any:
    """docker-py itself, for looking at what the tests made (never through Dockyard)."""
    return docker.from_env()


@pytest.fixture
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A HOME without ~/.testcontainers.properties, for configuration tests."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    return home


def container_ids(client: Any, **filters: Any) -> set[str]:
    """Ids from the low-level list, which (unlike containers.list) inspects nothing and so
    cannot trip over containers that other engineers' tests remove meanwhile."""
    return {c["Id"] for c in client.api.containers(all=True, filters=filters)}


def network_ids(client: Any, **filters: Any) -> set[str]:
    return {n["Id"] for n in client.api.networks(filters=filters)}


@pytest.fixture
def no_leftovers(docker_client: Any) -> Iterator[None]:
    """Fails the test if it left a container or network of this session behind."""
    label = f"{LABEL_SESSION_ID}={session_id()}"
    before_c = container_ids(docker_client, label=label)
    before_n = network_ids(docker_client, label=label)
    yield
    after_c = container_ids(docker_client, label=label)
    after_n = network_ids(docker_client, label=label)
    assert after_c <= before_c, f"containers left behind: {after_c - before_c}"
    assert after_n <= before_n, f"networks left behind: {after_n - before_n}"


#: The engine the run targets: "local", or "tls"/"podman"/"ssh" under //tests/engines.
ENGINE_UNDER_TEST = os.environ.get("DOCKYARD_ENGINE_UNDER_TEST", "local")
#: What Podman 4.3 (rootful, cgroup v1, no systemd) does not do; see docs/engines.md.
not_on_podman = pytest.mark.skipif(
    ENGINE_UNDER_TEST == "podman", reason="Podman 4.3 here: see docs/engines.md"
)


def engine_host() -> str:
    """Where published ports answer: a tcp:// or ssh:// engine's address, else localhost."""
    url = urlparse(os.environ.get("DOCKER_HOST", ""))
    return url.hostname if url.scheme in ("tcp", "ssh") and url.hostname else "localhost"


def redis_ping(host: str, port: int, timeout: float = 2.0) -> bool:
    """A raw RESP PING, so the tests need no client library."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(b"PING\r\n")
        return sock.recv(64).startswith(b"+PONG")


def wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def unique(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def spawn_python(code: str, **env: str) -> Any:
    """Run ``code`` in a fresh Python process that imports this checkout of dockyard.core."""
    import subprocess

    # The child sees exactly our imports (under Bazel, docker-py lives in runfiles).
    path = os.pathsep.join([str(CORE_ROOT), *(p for p in sys.path if p)])
    child_env = {**os.environ, "PYTHONPATH": path, **env}
    return subprocess.Popen(
        [sys.executable, "-c", code],
        env=child_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
