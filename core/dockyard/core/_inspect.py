"""Reading a container's state from the engine: status, published ports, log tail, and the
409 name race. Shared by containers, the reaper and reuse so each rule lives once.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import Any

import docker.errors

from ._client import DockerClient

POLL = 0.05
TAIL_LINES = 50
# A container in one of these states will never run again by itself.
EXITED_STATES = ("exited", "dead")
# ... and in these it is, or soon will be, of no use to anyone.
GONE_STATES = (*EXITED_STATES, "removing")


def status_of(container: Any) -> str:
    """The container's status from its last inspection (``reload()`` refreshes it)."""
    return str((container.attrs.get("State") or {}).get("Status") or "")


def published_ports(attrs: dict[str, Any], port: str) -> list[int]:
    """Host ports published for ``port`` ("6379/tcp"), the IPv4 binding first:
    ``localhost`` reaches 127.0.0.1 everywhere."""
    bindings = (attrs.get("NetworkSettings", {}).get("Ports") or {}).get(port) or []
    published = [b for b in bindings if b.get("HostPort")]
    published.sort(key=lambda b: ":" in str(b.get("HostIp", "")))
    return [int(b["HostPort"]) for b in published]


def tail_logs(container: Any, lines: int = TAIL_LINES) -> str:
    """The last ``lines`` lines of stdout and stderr, or "" when the engine cannot tell."""
    if container is None:
        return ""
    try:
        data: bytes = container.logs(stdout=True, stderr=True, tail=lines)
        return data.decode(errors="replace").rstrip()
    except docker.errors.APIError:
        return ""


def force_remove(client: DockerClient, ident: str) -> None:
    """Remove a container with its volumes; already gone (404) or being removed (409) is fine."""
    try:
        client.api.remove_container(ident, force=True, v=True)
    except docker.errors.APIError as exc:
        if exc.status_code not in (404, 409):
            raise


def create_or_get(
    client: DockerClient, name: str, create: Callable[[], Any], deadline: float
) -> tuple[Any, bool] | None:
    """Create the container called ``name``, or return the one another process of the
    session created under that name first: ``(container, created_by_us)``.

    A 409 means someone else won the race; if their container vanishes before we can
    look at it, try to create it again. None when ``deadline`` passed without either.
    """
    while True:
        try:
            return create(), True
        except docker.errors.APIError as exc:
            if exc.status_code != 409:
                raise
        with contextlib.suppress(docker.errors.NotFound):
            return client.containers.get(name), False
        if time.monotonic() >= deadline:
            return None
        time.sleep(POLL)
