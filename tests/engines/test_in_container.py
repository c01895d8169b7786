"""Tests that run in a container of the same engine (Docker-in-Docker through the socket).

A CI job often runs the test process itself in a container, with the engine's socket
mounted. This starts the client image that way, copies Dockyard and its dependencies into
it (the engine may be remote: nothing comes from the host's file system but the socket),
runs a Dockyard test there with pytest, and checks what it saw: host() is the address the
inner process reaches published ports on (its gateway, not localhost), and the mapped port
answers there. The socket's path on the engine's host comes from Dockyard's own rule
(TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE, or the unix DOCKER_HOST), so the same test runs on
the local engine, the TLS engine (its private socket) and Podman (its service socket).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest

from dockyard.core import DockerContainer, load_config
from dockyard.core._reaper import docker_socket_path

CLIENT = "dockyard.local/client:1"
SITE = "/opt/dockyard-site"
# What an inner pytest run of Dockyard imports (pure Python, or built for this Python 3.11).
PACKAGES = (
    "docker",
    "requests",
    "urllib3",
    "idna",
    "certifi",
    "charset_normalizer",
    "pytest",
    "_pytest",
    "pluggy",
    "iniconfig",
    "packaging",
    "py",
    "pygments",  # pytest >= 8.4
)

INNER_TEST = """
import os
import socket

from dockyard.core import DockerContainer, LogMessageWaitStrategy


def test_host_and_mapped_port_from_inside_a_container():
    ready = LogMessageWaitStrategy("Ready to accept connections")
    with DockerContainer("redis:7").with_exposed_ports(6379).waiting_for(ready) as redis:
        host, port = redis.get_container_host_ip(), redis.get_exposed_port(6379)
        print(f"INNER host={host} port={port}")
        assert host == os.environ["EXPECTED_HOST"]
        with socket.create_connection((host, port), timeout=5) as sock:
            sock.sendall(b"PING\\r\\n")
            assert sock.recv(16).startswith(b"+PONG")
"""


def _site(tmp_path: Path) -> Path:
    """Dockyard and its dependencies as plain files (runfiles are symlinks)."""
    site = tmp_path / "site"
    import dockyard.core

    core = Path(dockyard.core.__file__).parent
    shutil.copytree(core, site / "dockyard" / "core", ignore=shutil.ignore_patterns("__pycache__"))
    for name in PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is None or (spec.origin is None and not spec.submodule_search_locations):
            continue
        if spec.submodule_search_locations:
            source = Path(next(iter(spec.submodule_search_locations)))
            shutil.copytree(source, site / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            assert spec.origin is not None
            shutil.copyfile(spec.origin, site / Path(spec.origin).name)
    return site


def _gateway(container: DockerContainer) -> str:
    settings = container.get_wrapped_container().attrs["NetworkSettings"]
    gateways = [settings.get("Gateway")] + [
        n.get("Gateway") for n in (settings.get("Networks") or {}).values()
    ]
    found = next((g for g in gateways if g), None)
    if found is None:
        pytest.fail(f"the client container has no gateway: {settings}")
    return str(found)


def test_a_dockyard_test_inside_a_container_of_the_engine(tmp_path: Path) -> None:
    socket_path = docker_socket_path(load_config())
    (tmp_path / "test_inner.py").write_text(INNER_TEST, encoding="utf-8")
    environment = {
        "DOCKER_HOST": "unix:///var/run/docker.sock",
        # The socket's path on the engine's host, for the inner reaper's mount.
        "TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE": socket_path,
        "DOCKYARD_IMAGE_SUBSTITUTIONS": os.environ.get("DOCKYARD_IMAGE_SUBSTITUTIONS", ""),
        "PYTHONPATH": SITE,
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    outer = DockerContainer(CLIENT).with_volume_mapping(socket_path, "/var/run/docker.sock", "rw")
    for key, value in environment.items():
        outer = outer.with_env(key, value)
    with outer:
        outer.running.copy_to(_site(tmp_path), SITE)
        outer.running.copy_to(tmp_path / "test_inner.py", "/opt/inner/test_inner.py")
        result = outer.exec(
            [
                "env",
                f"EXPECTED_HOST={_gateway(outer)}",
                "python3",
                "-m",
                "pytest",
                "-q",
                "-s",
                "-p",
                "no:cacheprovider",
                "/opt/inner/test_inner.py",
            ]
        )
        output = result.output.decode(errors="replace")
        assert result.exit_code == 0, output
        assert f"INNER host={_gateway(outer)} " in output
        assert "1 passed" in output
