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
from ._errors import ConfigurationError, ContainerStartupError
from ._inspect import EXITED_STATES, POLL, create_or_get, status_of, tail_logs
from ._labels import LABEL_HASH


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
    """Return (container, created_by_us).

    A container of this configuration that exists already is used once it runs. One in
    state 'created' belongs to a process that is still attaching its networks and files:
    it is waited for (its creator starts it), never started here. A 409 on the
    deterministic name means another process is creating it right now, unless the name
    is held by a container of another configuration, which is a ConfigurationError.
    """
    deadline = time.monotonic() + timeout
    while True:
        container = find_reusable(client, digest)
        if container is None:
            found = create_or_get(client, name, create, deadline)
            if found is None:
                break
            container, created = found
            if created:
                return container, True
            _check_owner(container, digest, name)
        try:
            return _wait_until_running(container, name, deadline), False
        except docker.errors.NotFound:
            pass  # its creator gave up and removed it: start over
        if time.monotonic() >= deadline:
            break
        time.sleep(POLL)
    raise ContainerStartupError(
        f"The reusable container {name} kept disappearing for {timeout:g}s while other "
        "processes created and removed it; retry, or remove it with `docker rm -f`."
    )


def _check_owner(container: Any, digest: str, name: str) -> None:
    labels = container.attrs.get("Config", {}).get("Labels") or {}
    if labels.get(LABEL_HASH) != digest:
        raise ConfigurationError(
            f"A container named {name!r} already exists but is not the reusable container "
            f"of this configuration ({LABEL_HASH}={labels.get(LABEL_HASH)!r}, expected "
            f"{digest[:12]}...). Pick another with_name(), or remove it with "
            f"`docker rm -f {name}` if it is yours."
        )


def _wait_until_running(container: Any, name: str, deadline: float) -> Any:
    """Wait (bounded) until the container runs; raises NotFound when it vanished."""
    restarted = False
    while True:
        status = status_of(container)
        if status == "running":
            return container
        if status == "exited" and not restarted:
            # Complete but stopped (docker stop, an engine restart): run it again.
            restarted = True
            try:
                container.start()
            except docker.errors.NotFound:
                raise
            except docker.errors.APIError:
                pass  # another process started it at the same moment
        elif status in EXITED_STATES:
            raise ContainerStartupError(
                f"The reusable container {name} exited; remove it with `docker rm -f {name}` "
                "and retry",
                exit_code=container.attrs.get("State", {}).get("ExitCode"),
                logs=tail_logs(container),
                container_id=str(container.id),
            )
        if time.monotonic() >= deadline:
            raise ContainerStartupError(
                f"The reusable container {name} stayed {status!r}: the process that created "
                "it did not start it (it may have crashed while setting it up). Remove it with "
                f"`docker rm -f {name}` and retry."
            )
        time.sleep(POLL)
        container.reload()
