"""Reusable containers: found again by a hash of their configuration, across processes.

Opt-in twice, as in Testcontainers: the container asks for it (``with_reuse()``) and the
environment allows it (``testcontainers.reuse.enable=true`` or
TESTCONTAINERS_REUSE_ENABLE=true). Reused containers carry no session label, so no
reaper removes them, and ``stop()`` leaves them running.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

import docker.errors

from ._client import DockerClient
from ._errors import ContainerStartupError
from ._labels import LABEL_HASH

_POLL = 0.05


def config_hash(spec: dict[str, Any]) -> str:
    """A stable hash of everything that makes two containers interchangeable."""
    canonical = json.dumps(spec, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def reuse_name(digest: str) -> str:
    return f"dockyard-reuse-{digest[:24]}"


def find_reusable(client: DockerClient, digest: str) -> Any | None:
    # The low-level list does not inspect each container, so it cannot trip over
    # containers that other processes remove meanwhile.
    found = client.api.containers(all=True, filters={"label": f"{LABEL_HASH}={digest}"})
    found.sort(key=lambda c: c.get("State") != "running")
    for summary in found:
        try:
            return client.containers.get(summary["Id"])
        except docker.errors.NotFound:
            continue
    return None


def find_or_create(
    client: DockerClient,
    digest: str,
    name: str,
    create: Callable[[], Any],
    timeout: float,
) -> tuple[Any, bool]:
    """Return (container, created_by_us). A 409 on the deterministic name means another
    process is creating it right now: wait until it runs and use it."""
    existing = find_reusable(client, digest)
    if existing is not None:
        if existing.status != "running":
            existing.start()
        return existing, False
    try:
        return create(), True
    except docker.errors.APIError as exc:
        if exc.status_code != 409:
            raise
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            container = client.containers.get(name)
            if container.status == "running":
                return container, False
            if container.status in ("exited", "dead"):
                raise ContainerStartupError(
                    f"The reusable container {name} created by another process exited; "
                    "remove it with `docker rm -f` and retry",
                    exit_code=container.attrs.get("State", {}).get("ExitCode"),
                )
        except docker.errors.NotFound:
            pass
        time.sleep(_POLL)
    raise ContainerStartupError(
        f"Another process created the reusable container {name} but it did not start within "
        f"{timeout:g}s; remove it with `docker rm -f {name}` and retry."
    )
