"""Tests of the reaper image (tools/images/ryuk) against the real Docker engine.

Each test starts the image with the engine's socket mounted, makes throwaway objects
carrying a label unique to the test, and checks what the reaper leaves behind. Everything
created carries the session labels below and is removed at the end, reaped or not.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).absolute().parent.parent))  # image_manifest, by hand
from image_manifest import local_image

IMAGE = local_image("ryuk")
SESSION_LABELS = {
    "org.testcontainers": "true",
    "org.testcontainers.sessionId": os.environ.get("TESTCONTAINERS_SESSION_ID", "reaper-test"),
}


def docker(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=check)


def label_args(labels: dict[str, str]) -> list[str]:
    return [arg for k, v in labels.items() for arg in ("--label", f"{k}={v}")]


@pytest.fixture(scope="module", autouse=True)
def _engine_and_image():
    if shutil.which("docker") is None or docker("info", check=False).returncode != 0:
        pytest.skip("no Docker engine")
    if docker("image", "inspect", IMAGE, check=False).returncode != 0:
        pytest.skip(f"{IMAGE} is not built (python3 tools/images/build.py ryuk)")


class Objects:
    """Creates labelled throwaway objects and removes whatever is left of them afterwards."""

    def __init__(self):
        self.mark = f"dockyard.test.reaper={uuid.uuid4().hex}"
        self.containers: list[str] = []
        self.networks: list[str] = []
        self.volumes: list[str] = []

    @property
    def labels(self) -> dict[str, str]:
        key, value = self.mark.split("=")
        return {**SESSION_LABELS, key: value}

    @property
    def filter_line(self) -> str:
        key, value = self.mark.split("=")
        return f"label={key}%3D{value}\n"

    def reaper(self, *, marked: bool = False, **env: str) -> tuple[str, int]:
        """Starts the reaper; returns its id and the host port of 8080 once it is listening."""
        labels = {**SESSION_LABELS, "org.testcontainers.ryuk": "true"}
        if marked:
            labels.update(self.labels)
        env_args = [arg for k, v in env.items() for arg in ("-e", f"{k}={v}")]
        cid = docker(
            "run",
            "-d",
            *label_args(labels),
            *env_args,
            "-p",
            "127.0.0.1::8080",
            "-v",
            "/var/run/docker.sock:/var/run/docker.sock",
            IMAGE,
        ).stdout.strip()
        self.containers.append(cid)
        deadline = time.monotonic() + 30
        while "Started!" not in self.logs(cid):
            assert time.monotonic() < deadline, f"reaper never started:\n{self.logs(cid)}"
            time.sleep(0.1)
        assert self.logs(cid).splitlines()[0] == "Started!"
        port = int(docker("port", cid, "8080/tcp").stdout.split("\n")[0].rsplit(":", 1)[1])
        return cid, port

    def throwaways(self) -> tuple[str, str, str]:
        """A labelled network, volume and container (attached to both)."""
        labels = label_args(self.labels)
        net = docker(
            "network", "create", *labels, f"reaper-test-{uuid.uuid4().hex[:8]}"
        ).stdout.strip()
        self.networks.append(net)
        vol = docker("volume", "create", *labels).stdout.strip()
        self.volumes.append(vol)
        cid = docker(
            "run",
            "-d",
            *labels,
            "--network",
            net,
            "-v",
            f"{vol}:/data",
            "--entrypoint",
            "sleep",
            IMAGE,
            "infinity",
        ).stdout.strip()
        self.containers.append(cid)
        return cid, net, vol

    @staticmethod
    def logs(cid: str) -> str:
        proc = docker("logs", cid, check=False)
        return proc.stdout + proc.stderr

    @staticmethod
    def exists(kind: str, ident: str) -> bool:
        return docker(kind, "inspect", ident, check=False).returncode == 0

    def cleanup(self) -> None:
        for cid in self.containers:
            docker("rm", "-f", "-v", cid, check=False)
        for net in self.networks:
            docker("network", "rm", net, check=False)
        for vol in self.volumes:
            docker("volume", "rm", "-f", vol, check=False)


@pytest.fixture
def objects():
    objs = Objects()
    yield objs
    objs.cleanup()


def register(port: int, *lines: str) -> socket.socket:
    """Connects, sends each filter line and checks that each is acknowledged."""
    conn = socket.create_connection(("127.0.0.1", port), timeout=10)
    reader = conn.makefile("rb")
    for line in lines:
        conn.sendall(line.encode())
        assert reader.readline() == b"ACK\n"
    return conn


def wait_gone(kind: str, ident: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while Objects.exists(kind, ident):
        assert time.monotonic() < deadline, f"{kind} {ident[:12]} still exists after {seconds}s"
        time.sleep(0.2)


def exit_code(cid: str, seconds: float = 30) -> int:
    deadline = time.monotonic() + seconds
    while True:
        state = json.loads(docker("inspect", "--format", "{{json .State}}", cid).stdout)
        if not state["Running"]:
            return state["ExitCode"]
        assert time.monotonic() < deadline, "the reaper did not exit"
        time.sleep(0.2)


def test_reaps_matching_objects_after_the_last_client_leaves(objects):
    reaper, port = objects.reaper(RYUK_RECONNECTION_TIMEOUT="1s")
    container, network, volume = objects.throwaways()

    register(port, objects.filter_line).close()

    wait_gone("container", container)
    wait_gone("network", network)
    wait_gone("volume", volume)
    assert exit_code(reaper) == 0
    logs = objects.logs(reaper)
    assert f"removed container {container[:12]}" in logs
    assert "removed network" in logs


def test_acks_every_line_and_a_held_connection_prevents_reaping(objects):
    reaper, port = objects.reaper(RYUK_RECONNECTION_TIMEOUT="1s")
    container, network, _ = objects.throwaways()

    conn = register(
        port, objects.filter_line, "label=org.testcontainers.sessionId%3Dimages-dev-none\n"
    )
    try:
        time.sleep(3)  # three reconnection timeouts with the connection held open
        assert objects.exists("container", container)
        assert objects.exists("network", network)
        assert objects.exists("container", reaper)
    finally:
        conn.close()

    wait_gone("container", container)
    wait_gone("network", network)
    assert exit_code(reaper) == 0


def test_a_new_connection_in_the_grace_period_cancels_the_removal(objects):
    reaper, port = objects.reaper(RYUK_RECONNECTION_TIMEOUT="2s")
    container, _, _ = objects.throwaways()

    register(port, objects.filter_line).close()
    time.sleep(0.5)
    conn = register(port)  # a second client comes back before the 2 s are up
    try:
        time.sleep(3)
        assert objects.exists("container", container)
    finally:
        conn.close()
    wait_gone("container", container)
    assert exit_code(reaper) == 0


def test_never_removes_itself(objects):
    reaper, port = objects.reaper(marked=True, RYUK_RECONNECTION_TIMEOUT="500ms")
    container, _, _ = objects.throwaways()

    register(port, objects.filter_line).close()

    wait_gone("container", container)
    assert exit_code(reaper) == 0
    assert objects.exists("container", reaper)
    assert "that is me" in objects.logs(reaper)


def test_exits_when_nobody_connects(objects):
    reaper, _ = objects.reaper(RYUK_CONNECTION_TIMEOUT="1s")
    assert exit_code(reaper, seconds=20) == 0
    assert "nobody connected within 1s" in objects.logs(reaper)
