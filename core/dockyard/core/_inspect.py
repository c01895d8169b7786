"""Reading a container's inspect data (status, published ports), and the 409 name race.

Shared by the running container, the reaper and reuse so each rule lives once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ._engine import Engine
from ._errors import ConflictError, NotFoundError

POLL = 0.05
TAIL_LINES = 50
# A container in one of these states will never run again by itself.
EXITED_STATES = ("exited", "dead")
# ... and in these it is, or soon will be, of no use to anyone.
GONE_STATES = (*EXITED_STATES, "removing")


def status_of(attrs: dict[str, Any]) -> str:
    return str((attrs.get("State") or {}).get("Status") or "")


def labels_of(attrs: dict[str, Any]) -> dict[str, str]:
    return dict((attrs.get("Config") or {}).get("Labels") or {})


def published_ports(attrs: dict[str, Any], port: str) -> list[int]:
    """Host ports published for ``port`` ("6379/tcp"), the IPv4 binding first:
    ``localhost`` reaches 127.0.0.1 everywhere."""
    bindings = ((attrs.get("NetworkSettings") or {}).get("Ports") or {}).get(port) or []
    published = [b for b in bindings if b.get("HostPort")]
    published.sort(key=lambda b: ":" in str(b.get("HostIp", "")))
    return [int(b["HostPort"]) for b in published]


def create_or_get(
    engine: Engine, name: str, create: Callable[[], str], deadline: float
) -> tuple[dict[str, Any], bool] | None:
    """Create the container called ``name``, or find the one another process created under
    that name first: ``(inspect data, created_by_us)``.

    A 409 means someone else won the race; if their container vanishes before we can look
    at it, try to create it again. None when ``deadline`` passed without either.
    """
    while True:
        try:
            ident = create()
            return {"Id": ident, "Name": "/" + name, "State": {"Status": "created"}}, True
        except ConflictError:
            pass
        try:
            return engine.inspect_container(name), False
        except NotFoundError:
            pass
        if time.monotonic() >= deadline:
            return None
        time.sleep(POLL)
