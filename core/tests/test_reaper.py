"""The Ryuk reaper: crash cleanup, one reaper per session shared across processes."""

from __future__ import annotations

import contextlib
import json
import signal
import time
import uuid
from typing import Any

import docker.errors
import pytest
from conftest import CLIENT, container_ids, spawn_python, wait_until

from dockyard.core import LABEL_SESSION_ID, resolve_image_name
from dockyard.core._labels import base_labels
from dockyard.core._reaper import filter_line, reaper_name

CHILD = """
import json, sys, time
from dockyard.core import DockerContainer, LogMessageWaitStrategy, Network
from dockyard.core import current_session
network = Network().create()
container = (DockerContainer("redis:7").with_network(network)
             .waiting_for(LogMessageWaitStrategy("Ready to accept")).start())
print(json.dumps({"container": container.id, "network": network.id,
                  "reaper": current_session().reaper.container_id}), flush=True)
time.sleep(300)
"""


def start_child(sid: str, **env: str) -> tuple[Any, dict[str, str]]:
    child = spawn_python(
        CHILD, TESTCONTAINERS_SESSION_ID=sid, TESTCONTAINERS_RYUK_RECONNECTION_TIMEOUT="1s", **env
    )
    line = child.stdout.readline()
    if not line:
        child.kill()
        raise AssertionError(f"child failed: {child.communicate()[1]}")
    return child, json.loads(line)


def kill(child: Any) -> None:
    """SIGKILL, then collect the pipes (closing them)."""
    child.send_signal(signal.SIGKILL)
    child.communicate()


def exists(getter: Any, ident: str) -> bool:
    try:
        getter(ident)
        return True
    except docker.errors.NotFound:
        return False
    except docker.errors.APIError as exc:  # Podman says 500 for one being removed
        if "no such container" in str(exc):
            return False
        raise


def test_filter_line_is_ryuk_protocol() -> None:
    assert filter_line("abc") == b"label=org.testcontainers.sessionId%3Dabc\n"


def test_killed_process_leaves_nothing_behind(docker_client: Any) -> None:
    sid = f"reaper-test-{uuid.uuid4().hex[:8]}"
    child, ids = start_child(sid)
    try:
        reaper = docker_client.containers.get(reaper_name(sid))
        assert reaper.id == ids["reaper"]
        host_config = reaper.attrs["HostConfig"]
        assert host_config["AutoRemove"] is True and host_config["Privileged"] is False
        assert any(m["Destination"] == "/var/run/docker.sock" for m in reaper.attrs["Mounts"])
        assert reaper.attrs["Config"]["Labels"]["org.testcontainers.ryuk"] == "true"
        # The default image, reached through the run's substitution (the reaper's included).
        expected = resolve_image_name("testcontainers/ryuk:0.11.0")
        assert expected != "testcontainers/ryuk:0.11.0"
        assert reaper.attrs["Config"]["Image"] == expected
        assert exists(docker_client.containers.get, ids["container"])
        assert exists(docker_client.networks.get, ids["network"])
    finally:
        kill(child)
    assert wait_until(lambda: not exists(docker_client.containers.get, ids["container"]), 30)
    assert wait_until(lambda: not exists(docker_client.networks.get, ids["network"]), 30)


def test_processes_of_one_session_share_one_reaper(docker_client: Any) -> None:
    sid = f"reaper-shared-{uuid.uuid4().hex[:8]}"
    children = [
        spawn_python(
            CHILD, TESTCONTAINERS_SESSION_ID=sid, TESTCONTAINERS_RYUK_RECONNECTION_TIMEOUT="1s"
        )
        for _ in range(3)
    ]
    try:
        results = []
        for child in children:
            line = child.stdout.readline()
            assert line, child.stderr.read()
            results.append(json.loads(line))
        assert len({r["reaper"] for r in results}) == 1
        assert len(container_ids(docker_client, name=reaper_name(sid))) == 1
    finally:
        for child in children:
            kill(child)
    remaining = {r["container"] for r in results}

    def all_gone() -> bool:
        return not any(exists(docker_client.containers.get, i) for i in remaining)

    assert wait_until(all_gone, 30)


def test_reaper_disabled_is_honoured(docker_client: Any) -> None:
    sid = f"reaper-off-{uuid.uuid4().hex[:8]}"
    code = """
from dockyard.core import DockerContainer, LogMessageWaitStrategy, current_session
with DockerContainer("redis:7").waiting_for(LogMessageWaitStrategy("Ready")):
    print(current_session().reaper, flush=True)
"""
    child = spawn_python(code, TESTCONTAINERS_SESSION_ID=sid, TESTCONTAINERS_RYUK_DISABLED="true")
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    assert out.strip() == "None"
    assert not container_ids(docker_client, name=reaper_name(sid))


@pytest.mark.usefixtures("isolated_home")
def test_reaper_image_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    from dockyard.core import load_config

    monkeypatch.setenv("DOCKYARD_IMAGE_SUBSTITUTIONS", "testcontainers/ryuk=local/reaper:1")
    assert resolve_image_name(load_config().ryuk_image) == "local/reaper:1"
    monkeypatch.setenv("TESTCONTAINERS_RYUK_CONTAINER_IMAGE", "my.registry/ryuk:9")
    assert resolve_image_name(load_config().ryuk_image) == "my.registry/ryuk:9"


def test_reaper_starts_lazily_on_first_creation(docker_client: Any) -> None:
    sid = f"reaper-lazy-{uuid.uuid4().hex[:8]}"
    code = """
import subprocess, sys
from dockyard.core import DockerContainer, Network, current_session
DockerContainer("redis:7").with_exposed_ports(6379)  # building a spec creates nothing
print(current_session().reaper, flush=True)
with Network():
    print(current_session().reaper.container_id is not None, flush=True)
"""
    child = spawn_python(
        code, TESTCONTAINERS_SESSION_ID=sid, TESTCONTAINERS_RYUK_RECONNECTION_TIMEOUT="1s"
    )
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    assert out.split() == ["None", "True"]


JOIN = """
from dockyard.core import current_session
session = current_session()
session.ensure_reaper()
print(session.reaper.container_id, flush=True)
"""


def join_reaper(sid: str) -> str:
    """A process of session ``sid`` that joins (or creates) the reaper, then leaves."""
    child = spawn_python(
        JOIN, TESTCONTAINERS_SESSION_ID=sid, TESTCONTAINERS_RYUK_RECONNECTION_TIMEOUT="1s"
    )
    out, err = child.communicate(timeout=90)
    assert child.returncode == 0, err
    return str(out.strip())


def reaper_logs(client: Any, ident: str) -> bytes:
    try:
        return bytes(client.api.logs(ident))
    except docker.errors.APIError:
        return b""


def remove_quietly(client: Any, ident: str) -> None:
    with contextlib.suppress(docker.errors.APIError):
        client.api.remove_container(ident, force=True, v=True)


def test_a_process_arriving_while_the_reaper_reaps_gets_a_fresh_one(docker_client: Any) -> None:
    sid = f"reaper-reaping-{uuid.uuid4().hex[:8]}"
    # A session network the reaper cannot remove while a container of ours (outside the
    # session) is attached keeps it reaping, listener closed, for several seconds.
    network = docker_client.networks.create(
        f"dockyard-test-{sid}", labels={**base_labels(), LABEL_SESSION_ID: sid}
    )
    blocker = docker_client.containers.run(
        CLIENT,
        ["sleep", "120"],
        detach=True,
        network=network.name,
        labels={**base_labels(), "dockyard.test.reaper": sid},
    )
    try:
        first = join_reaper(sid)
        # The first process left: after 1 s the reaper closes its listener and reaps (a
        # busy Podman took over 20 s to show that line).
        assert wait_until(lambda: b"removing what" in reaper_logs(docker_client, first), 60, 0.05)
        second = join_reaper(sid)
        assert second != first
        labels = docker_client.containers.get(second).attrs["Config"]["Labels"]
        assert labels["org.testcontainers.ryuk"] == "true"
    finally:
        remove_quietly(docker_client, blocker.id)
        remove_quietly(docker_client, reaper_name(sid))
        with contextlib.suppress(docker.errors.NotFound):
            network.remove()


def test_a_stale_exited_reaper_is_replaced(docker_client: Any) -> None:
    sid = f"reaper-stale-{uuid.uuid4().hex[:8]}"
    # Not auto-removed and not running: it can serve nobody.
    stale = docker_client.containers.run(
        CLIENT,
        ["true"],
        name=reaper_name(sid),
        detach=True,
        labels={**base_labels(), LABEL_SESSION_ID: sid},
    )
    try:

        def exited() -> bool:
            stale.reload()
            return bool(stale.status == "exited")

        assert wait_until(exited, 20, 0.05)
        started = time.monotonic()
        fresh = join_reaper(sid)
        assert time.monotonic() - started < 30  # not the 60 s startup timeout
        assert fresh != stale.id
        labels = docker_client.containers.get(fresh).attrs["Config"]["Labels"]
        assert labels["org.testcontainers.ryuk"] == "true"
    finally:
        remove_quietly(docker_client, stale.id)
        remove_quietly(docker_client, reaper_name(sid))
