"""Image substitution, pull policy and local builds against the real engine."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import docker.errors
import pytest
from conftest import LOCAL_REDIS, REDIS, container_ids, network_ids, spawn_python, wait_until

from dockyard.core import (
    LABEL_SESSION_ID,
    DockerContainer,
    DockerImage,
    ImageNotFoundError,
    LogMessageWaitStrategy,
    Network,
    build_image,
    session_id,
)
from dockyard.core._reaper import reaper_name

pytestmark = pytest.mark.usefixtures("no_leftovers")


def test_substitution_maps_upstream_name_to_local_build() -> None:
    with DockerContainer(REDIS).waiting_for(LogMessageWaitStrategy("Ready")) as redis:
        assert redis.get_wrapped_container().attrs["Config"]["Image"] == LOCAL_REDIS


def test_hub_prefix_applies_to_unsubstituted_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TESTCONTAINERS_HUB_IMAGE_NAME_PREFIX", "dockyard.local/")
    monkeypatch.setenv("DOCKYARD_IMAGE_SUBSTITUTIONS", "")
    with DockerContainer("redis:7").waiting_for(LogMessageWaitStrategy("Ready")) as redis:
        assert redis.get_wrapped_container().attrs["Config"]["Image"] == LOCAL_REDIS


def test_missing_image_with_policy_never_fails_before_creating_anything(
    docker_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TESTCONTAINERS_PULL_POLICY", "never")
    sid = f"never-{uuid.uuid4().hex[:8]}"  # a fresh session: its reaper would be new too
    monkeypatch.setenv("TESTCONTAINERS_SESSION_ID", sid)
    network = Network()
    container = DockerContainer("dockyard.local/does-not-exist:1").with_network(network)
    with pytest.raises(ImageNotFoundError, match="DOCKYARD_IMAGE_SUBSTITUTIONS"):
        container.start()
    assert not container_ids(docker_client, label=f"{LABEL_SESSION_ID}={sid}")
    assert not container_ids(docker_client, name=reaper_name(sid))
    assert not network_ids(docker_client, name=network.name)


def test_failed_pull_is_image_not_found_with_visible_progress(
    capsys: pytest.CaptureFixture[str],
) -> None:
    started = time.monotonic()
    with pytest.raises(ImageNotFoundError, match="pull failed"):
        DockerContainer("dockyard.local/no-such-image:1").start()
    assert "pulling dockyard.local/no-such-image:1" in capsys.readouterr().err
    assert time.monotonic() - started < 60


def write_context(path: Path) -> Path:
    path.mkdir()
    (path / "message.txt").write_text("built by dockyard")
    (path / "Dockerfile").write_text(f"FROM {LOCAL_REDIS}\nCOPY message.txt /message.txt\n")
    return path


def test_docker_image_builds_labelled_and_is_removed(tmp_path: Path, docker_client: Any) -> None:
    context = write_context(tmp_path / "ctx")
    with DockerImage(context) as image:
        labels = docker_client.images.get(str(image)).attrs["Config"]["Labels"]
        assert labels["org.testcontainers"] == "true"
        assert labels[LABEL_SESSION_ID] == session_id()
        with DockerContainer(str(image)).with_command(["sleep", "60"]) as c:
            assert c.exec(["cat", "/message.txt"]).output == b"built by dockyard"
    with pytest.raises(docker.errors.ImageNotFound):
        docker_client.images.get(str(image))


BUILD_IN_CHILD = """
import os
from dockyard.core import build_image
print(build_image(os.environ["BUILD_CONTEXT"]), flush=True)
"""


def test_a_built_image_is_reaped_with_the_session(tmp_path: Path, docker_client: Any) -> None:
    # build_image starts the session's reaper: a run killed right after still cleans up.
    sid = f"build-{uuid.uuid4().hex[:8]}"
    context = write_context(tmp_path / "ctx")
    child = spawn_python(
        BUILD_IN_CHILD,
        TESTCONTAINERS_SESSION_ID=sid,
        TESTCONTAINERS_RYUK_RECONNECTION_TIMEOUT="1s",
        BUILD_CONTEXT=str(context),
    )
    out, err = child.communicate(timeout=120)
    assert child.returncode == 0, err
    tag = out.strip()
    assert docker_client.images.get(tag).labels[LABEL_SESSION_ID] == sid

    def gone() -> bool:
        try:
            docker_client.images.get(tag)
        except docker.errors.ImageNotFound:
            return True
        return False

    assert wait_until(gone, 30)


def test_build_image_with_explicit_tag(tmp_path: Path, docker_client: Any) -> None:
    tag = f"dockyard.local/core-test-build:{session_id()[:8]}"
    try:
        assert build_image(write_context(tmp_path / "ctx"), tag) == tag
        assert docker_client.images.get(tag)
    finally:
        docker_client.images.remove(tag, force=True)
