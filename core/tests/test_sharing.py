"""Shared services: one container per configuration across processes, held by leases."""

from __future__ import annotations

import json
import signal
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import (
    ENGINE_UNDER_TEST,
    REDIS,
    container_ids,
    engine_host,
    redis_ping,
    spawn_python,
    wait_until,
)

from dockyard.core import ConfigurationError, DockerContainer, LogMessageWaitStrategy, Network
from dockyard.core._sharing import LABEL_SHARED

# A late joiner must find the container within the grace period; each of its API
# requests takes longer on Podman.
GRACE = "5" if ENGINE_UNDER_TEST == "podman" else "2"

HOLDER = """
import json, time
from dockyard.core import DockerContainer, LogMessageWaitStrategy
c = (DockerContainer("redis:7").with_exposed_ports(6379)
     .with_label("dockyard.test.share", "{token}").with_sharing()
     .waiting_for(LogMessageWaitStrategy("Ready to accept")).start())
print(json.dumps({{"id": c.id, "port": c.mapped_port(6379), "created": c.running.created}}),
      flush=True)
time.sleep(300)  # holding it until killed
"""


@pytest.fixture
def token(docker_client: Any) -> Iterator[str]:
    value = uuid.uuid4().hex
    yield value
    for ident in container_ids(docker_client, label=f"dockyard.test.share={value}"):
        docker_client.api.remove_container(ident, force=True, v=True)


def holder(token: str) -> Any:
    return spawn_python(HOLDER.format(token=token), DOCKYARD_SHARING_GRACE=GRACE)


def first_line(child: Any) -> dict[str, Any]:
    line = child.stdout.readline()
    assert line, child.stderr.read()
    return dict(json.loads(line))


def shared_ids(client: Any, token: str) -> set[str]:
    return container_ids(client, label=f"dockyard.test.share={token}")


def kill(child: Any) -> None:
    child.send_signal(signal.SIGKILL)
    child.communicate()


def test_ten_processes_at_once_get_one_container(docker_client: Any, token: str) -> None:
    children = [holder(token) for _ in range(10)]
    try:
        seen = [first_line(child) for child in children]
        assert len({s["id"] for s in seen}) == 1
        assert sum(1 for s in seen if s["created"]) == 1  # exactly one process created it
        assert len({s["port"] for s in seen}) == 1
        assert len(shared_ids(docker_client, token)) == 1
        labels = docker_client.containers.get(seen[0]["id"]).labels
        assert LABEL_SHARED in labels and "org.testcontainers.sessionId" not in labels
    finally:
        for child in children:
            kill(child)
    # All holders died: gone within the grace period and a few seconds.
    assert wait_until(lambda: not shared_ids(docker_client, token), float(GRACE) + 5, 0.1)


def test_a_killed_holder_leaves_the_others_unaffected_and_a_late_joiner_keeps_it(
    docker_client: Any, token: str
) -> None:
    a, b = holder(token), holder(token)
    try:
        first, second = first_line(a), first_line(b)
        assert first["id"] == second["id"]
        kill(a)
        time.sleep(float(GRACE) + 1)  # past the grace period: b still holds it
        assert redis_ping(engine_host(), second["port"])
        kill(b)
        # In the grace period a late joiner takes the lease: the same container lives on.
        late = holder(token)
        try:
            joined = first_line(late)
            assert joined["id"] == first["id"] and not joined["created"]
            time.sleep(float(GRACE) + 1)
            assert redis_ping(engine_host(), joined["port"])
        finally:
            kill(late)
    finally:
        for child in (a, b):
            if child.poll() is None:
                kill(child)
    assert wait_until(lambda: not shared_ids(docker_client, token), float(GRACE) + 5, 0.1)


def test_another_configuration_gets_its_own_container(docker_client: Any, token: str) -> None:
    ready = LogMessageWaitStrategy("Ready to accept")
    one = DockerContainer(REDIS).with_label("dockyard.test.share", token).with_sharing()
    other = (
        DockerContainer(REDIS)
        .with_label("dockyard.test.share", token)
        .with_env("DIFFERENT", "1")
        .with_sharing()
    )
    same = DockerContainer(REDIS).with_label("dockyard.test.share", token).with_sharing()
    with one.waiting_for(ready), other.waiting_for(ready), same.waiting_for(ready):
        assert one.id == same.id != other.id
        assert one.shared and same.shared
    assert shared_ids(docker_client, token)  # still there during the grace period


def test_sharing_off_everywhere_and_networks_it_would_remove(
    docker_client: Any, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKYARD_SHARING", "off")
    container = DockerContainer(REDIS).with_label("dockyard.test.share", token).with_sharing()
    with container.waiting_for(LogMessageWaitStrategy("Ready to accept")):
        assert not container.shared
    monkeypatch.setenv("DOCKYARD_SHARING", "opt-in")
    with pytest.raises(ConfigurationError, match="Network objects"):
        DockerContainer(REDIS).with_network(Network()).with_sharing().start()
    with pytest.raises(ConfigurationError, match="exclude each other"):
        DockerContainer(REDIS).with_sharing().with_reuse().start()
