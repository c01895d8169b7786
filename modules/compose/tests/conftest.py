"""Shared fixtures and helpers: the compose files in ``data/``, and what a project left.

The compose files name the local images (``dockyard.local/…``, tools/images/images.toml)
except ``upstream_names/``, which relies on the test run's image substitution. Leftovers are
asked of the engine through docker-py itself, never through the code under test.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import docker
import pytest

from dockyard.compose import DockerCompose

DATA = Path(__file__).resolve().parent / "data"
PROJECT_LABEL = "com.docker.compose.project"
SESSION_LABEL = "org.testcontainers.sessionId"


def engine() -> Any:
    return docker.from_env()


def leftovers(project: str) -> dict[str, list[str]]:
    """Everything of ``project`` that still exists: containers, networks, volumes, images."""
    client = engine()
    label = {"label": f"{PROJECT_LABEL}={project}"}
    try:
        return {
            "containers": [c["Names"][0] for c in client.api.containers(all=True, filters=label)],
            "networks": [n["Name"] for n in client.api.networks(filters=label)],
            "volumes": [v["Name"] for v in client.api.volumes(filters=label)["Volumes"] or []],
            "images": [i["Id"][:19] for i in client.api.images(filters=label)],
        }
    finally:
        client.close()


def nothing_left(project: str) -> bool:
    return not any(leftovers(project).values())


def wait_until(
    condition: Callable[[], bool], timeout: float, interval: float = 0.2
) -> float | None:
    """Seconds until ``condition()`` held, or None if it did not within ``timeout``."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(interval)
    return None


def spawn(code: str, **env: str) -> subprocess.Popen[str]:
    """``code`` in a fresh Python with this test's imports and a session of its own."""
    child_env = {
        key: value for key, value in os.environ.items() if key != "TESTCONTAINERS_SESSION_ID"
    }
    child_env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    child_env.update(env)
    return subprocess.Popen(
        [sys.executable, "-c", code],
        env=child_env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def redis_ping(host: str, port: int) -> bytes:
    """One RESP PING over a plain socket: the host reaching a published port."""
    import socket

    with socket.create_connection((host, port), timeout=5) as connection:
        connection.sendall(b"*1\r\n$4\r\nPING\r\n")
        return connection.recv(64)


@pytest.fixture(scope="module")
def pair() -> Iterator[DockerCompose]:
    """data/pair: Redis, PostgreSQL and a client, started once for a test module."""
    with DockerCompose(DATA / "pair") as environment:
        yield environment
