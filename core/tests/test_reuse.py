"""Opt-in reuse: found again by configuration hash across processes, never reaped."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import REDIS, container_ids, spawn_python, unique

from dockyard.core import (
    LABEL_HASH,
    LABEL_SESSION_ID,
    ConfigurationError,
    ContainerStartupError,
    DockerContainer,
    LogMessageWaitStrategy,
    resolve_image_name,
)
from dockyard.core._labels import base_labels
from dockyard.core._reuse import reuse_name

READY = LogMessageWaitStrategy("Ready to accept connections")

CHILD = """
import sys
from dockyard.core import DockerContainer, LogMessageWaitStrategy
c = (DockerContainer("redis:7").with_label("dockyard.test.reuse", sys.argv[1] if len(sys.argv) > 1
     else "{token}").with_reuse().waiting_for(LogMessageWaitStrategy("Ready")).start())
print(c.id, flush=True)
"""


@pytest.fixture
def token(docker_client: Any) -> Iterator[str]:
    value = uuid.uuid4().hex
    yield value
    for ident in container_ids(docker_client, label=f"dockyard.test.reuse={value}"):
        docker_client.api.remove_container(ident, force=True, v=True)


def reusable(token: str) -> DockerContainer:
    return (
        DockerContainer(REDIS)
        .with_label("dockyard.test.reuse", token)
        .with_reuse()
        .waiting_for(LogMessageWaitStrategy("Ready"))
    )


def test_reuse_across_processes_and_stop_leaves_it_running(
    token: str, docker_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TESTCONTAINERS_REUSE_ENABLE", "true")
    child = spawn_python(CHILD.format(token=token))
    out, err = child.communicate(timeout=90)
    assert child.returncode == 0, err
    first_id = out.strip()
    container = reusable(token).start()
    assert container.id == first_id and container.reused
    labels = container.get_wrapped_container().attrs["Config"]["Labels"]
    assert LABEL_HASH in labels
    assert LABEL_SESSION_ID not in labels  # the reaper must not remove it
    container.stop()
    assert docker_client.containers.get(first_id).status == "running"


def test_concurrent_processes_get_one_container(
    token: str, docker_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TESTCONTAINERS_REUSE_ENABLE", "true")
    children = [spawn_python(CHILD.format(token=token)) for _ in range(3)]
    ids = set()
    for child in children:
        out, err = child.communicate(timeout=90)
        assert child.returncode == 0, err
        ids.add(out.strip())
    assert len(ids) == 1
    assert len(container_ids(docker_client, label=f"dockyard.test.reuse={token}")) == 1


def test_reuse_needs_the_environment_to_allow_it(
    token: str, docker_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TESTCONTAINERS_REUSE_ENABLE", raising=False)
    container = reusable(token).start()
    try:
        assert not container.reused
        labels = container.get_wrapped_container().attrs["Config"]["Labels"]
        assert labels[LABEL_SESSION_ID]
    finally:
        container.stop()
    assert not container_ids(docker_client, label=f"dockyard.test.reuse={token}")


def test_name_held_by_a_foreign_container_is_a_configuration_error(
    token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TESTCONTAINERS_REUSE_ENABLE", "true")
    name = unique("dockyard-core-foreign")
    with DockerContainer(REDIS).with_name(name).waiting_for(READY) as foreign:
        with pytest.raises(ConfigurationError, match="not the container of this configuration"):
            reusable(token).with_name(name).start()
        assert foreign.get_wrapped_container().attrs["Config"]["Labels"][LABEL_SESSION_ID]


def test_half_built_container_is_waited_for_not_started(
    token: str, docker_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TESTCONTAINERS_REUSE_ENABLE", "true")
    wanted = reusable(token)
    digest = wanted.resolved_spec().config_hash(resolve_image_name(REDIS))
    # What another process leaves while it still attaches networks and files: 'created'.
    half_built = docker_client.containers.create(
        resolve_image_name(REDIS),
        name=reuse_name(digest),
        labels={**base_labels(), LABEL_HASH: digest, "dockyard.test.reuse": token},
    )
    outcome: list[BaseException | str] = []

    def start() -> None:
        try:
            outcome.append(wanted.start().id)
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=start)
    thread.start()
    time.sleep(1.5)
    half_built.reload()
    assert half_built.status == "created"  # not started by us
    half_built.start()  # its creator finished setting it up
    thread.join(30)
    assert outcome == [half_built.id]
    assert wanted.reused


def test_reuse_disabled_and_name_taken_is_a_dockyard_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TESTCONTAINERS_REUSE_ENABLE", raising=False)
    name = unique("dockyard-core-taken")
    first = DockerContainer(REDIS).with_name(name).waiting_for(READY)
    with first, pytest.raises(ContainerStartupError, match="already exists"):
        DockerContainer(REDIS).with_name(name).with_reuse().start()
