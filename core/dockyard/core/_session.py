"""The session id that ties a process's containers to one reaper.

Bazel runs every test target as its own process; TESTCONTAINERS_SESSION_ID lets them
share one reaper. Without it each process gets its own random id (and a forked
child gets a fresh one, because its parent's reaper connection is not its own).
"""

from __future__ import annotations

import os
import re
import uuid

_ENV = "TESTCONTAINERS_SESSION_ID"
_per_process: dict[int, str] = {}


def session_id() -> str:
    configured = os.environ.get(_ENV, "").strip()
    if configured:
        return configured
    pid = os.getpid()
    if pid not in _per_process:
        _per_process[pid] = uuid.uuid4().hex
    return _per_process[pid]


def name_safe(text: str) -> str:
    """Make text usable inside a container name ([a-zA-Z0-9][a-zA-Z0-9_.-]*)."""
    return re.sub(r"[^a-zA-Z0-9_.-]", "-", text)[:64]
