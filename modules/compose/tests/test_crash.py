"""A test process killed with SIGKILL leaves nothing of its environment: the session's
reaper removes the project's containers, network and volume (within 15 s), also when the
process dies in the middle of ``up`` (compose dies with it instead of creating more)."""

from __future__ import annotations

import json
import signal
import subprocess
import time

from conftest import DATA, leftovers, nothing_left, spawn, wait_until

BOUND = 15.0

HOLDER = """
import json, sys, time
from dockyard.compose import DockerCompose
environment = DockerCompose({context!r}, profiles={profiles!r}, services={services!r})
print(json.dumps({{"project": environment.project_name}}), flush=True)
environment.start()
print(json.dumps({{"started": True}}), flush=True)
time.sleep(3600)  # holding the environment until killed
"""


def _holder(*, profiles: list[str], services: list[str]) -> subprocess.Popen[str]:
    code = HOLDER.format(context=str(DATA / "crash"), profiles=profiles, services=services)
    return spawn(code)


def _compose_processes(project: str) -> list[str]:
    # -ww: without a terminal, ps may still cut its lines at COLUMNS (or 80).
    listing = subprocess.run(["ps", "-ww", "-eo", "pid,args"], capture_output=True, text=True)
    return [line for line in listing.stdout.splitlines() if project in line and "ps -" not in line]


def test_a_killed_test_process_leaves_nothing_behind() -> None:
    child = _holder(profiles=[], services=[])
    try:
        project = json.loads(child.stdout.readline() if child.stdout else "")["project"]
        started = child.stdout.readline() if child.stdout else ""
        assert "started" in started, child.communicate(timeout=30)[1]
        found = leftovers(project)
        assert found["containers"] and found["networks"] and found["volumes"], found
        killed = time.monotonic()
        child.send_signal(signal.SIGKILL)
        child.communicate()
        took = wait_until(lambda: nothing_left(project), BOUND + 10)
        assert took is not None, leftovers(project)
        print(f"sigkill after up: nothing left after {time.monotonic() - killed:.1f}s")
        assert took <= BOUND
    finally:
        child.kill()


def test_a_process_killed_during_up_takes_compose_with_it() -> None:
    # "slow" never becomes healthy, so `up --wait` is still running when the kill comes.
    child = _holder(profiles=["slow"], services=["cache", "slow"])
    try:
        project = json.loads(child.stdout.readline() if child.stdout else "")["project"]
        assert wait_until(lambda: len(leftovers(project)["containers"]) == 2, 60) is not None
        if child.poll() is not None:  # it died by itself: its error says why
            raise AssertionError(child.communicate(timeout=30)[1])
        assert _compose_processes(project), "compose should be waiting in `up --wait`"
        killed = time.monotonic()
        child.send_signal(signal.SIGKILL)
        child.communicate()
        assert wait_until(lambda: not _compose_processes(project), 5) is not None, (
            _compose_processes(project)
        )
        took = wait_until(lambda: nothing_left(project), BOUND + 10)
        assert took is not None, leftovers(project)
        print(f"sigkill during up: nothing left after {time.monotonic() - killed:.1f}s")
        assert took <= BOUND
    finally:
        child.kill()
