"""What the reliability cases share: child processes, leftovers, and printed figures.

Every case runs the code under test in a child Python process (so it can be killed or
interrupted like a real test run), gives it a session id of its own, and asks the engine
afterwards what is left with that session's label. Figures are printed (they appear in
the test log) and, under Bazel, appended to ``figures.jsonl`` in the undeclared outputs.
"""

from __future__ import annotations

import functools
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docker

LABEL_SESSION_ID = "org.testcontainers.sessionId"


@functools.cache
def engine() -> Any:
    """docker-py itself, to look at what the children left (never through Dockyard)."""
    return docker.from_env()


def new_session(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def spawn(code: str, session: str, *, talk: bool = False, **env: str) -> subprocess.Popen[str]:
    """Run ``code`` in a fresh Python that imports exactly what this test imports
    (``talk``: with a stdin pipe to send it lines)."""
    path = os.pathsep.join(p for p in sys.path if p)
    child_env = {**os.environ, "PYTHONPATH": path, "TESTCONTAINERS_SESSION_ID": session, **env}
    return subprocess.Popen(
        [sys.executable, "-c", code],
        env=child_env,
        stdin=subprocess.PIPE if talk else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def leftovers(client: Any, session: str) -> dict[str, list[str]]:
    """Containers and networks of ``session`` that still exist."""
    label = f"{LABEL_SESSION_ID}={session}"
    return {
        "containers": [
            c["Id"][:12] for c in client.api.containers(all=True, filters={"label": label})
        ],
        "networks": [n["Name"] for n in client.api.networks(filters={"label": label})],
    }


def dangling_volumes(client: Any) -> set[str]:
    return {
        v["Name"]
        for v in (client.api.volumes(filters={"dangling": True}) or {}).get("Volumes") or []
    }


def nothing_left(found: dict[str, list[str]]) -> bool:
    return not any(found.values())


def wait_for(predicate: Callable[[], bool], timeout: float, interval: float = 0.2) -> float | None:
    """Seconds until ``predicate`` held, or None if it never did within ``timeout``."""
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        if predicate():
            return time.monotonic() - began
        time.sleep(interval)
    return time.monotonic() - began if predicate() else None


def report(case: str, **figures: Any) -> None:
    """Print one line of figures and keep it for the run's record."""
    line = {"case": case, **figures}
    print("[reliability] " + json.dumps(line, sort_keys=True), flush=True)
    outputs = os.environ.get("TEST_UNDECLARED_OUTPUTS_DIR")
    if outputs:
        with (Path(outputs) / "figures.jsonl").open("a", encoding="utf-8") as out:
            out.write(json.dumps(line, sort_keys=True) + "\n")


def spread(values: list[float]) -> dict[str, float]:
    return {
        "min": round(min(values), 2),
        "median": round(statistics.median(values), 2),
        "max": round(max(values), 2),
    }
