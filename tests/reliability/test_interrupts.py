"""Ctrl-C at any point of startup or teardown: nothing left, and the interrupt propagates.

A real SIGINT is delivered to the child process at a chosen point: just before or just
after one of the engine requests that ``with Network() as n, <container on n>`` makes, or
inside the readiness check. The reaper is off, so only Dockyard's own undo can clean up.
The child must end with ``KeyboardInterrupt`` (no other error in its place) and the
engine must hold nothing of its session afterwards.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from harness import engine, leftovers, new_session, nothing_left, report, spawn

CHILD = """
import os, signal, time
from dockyard.core import DockerContainer, CallableWaitStrategy, Network
from dockyard.core._engine import DockerEngine

method, when = os.environ["POINT"].split(":")

def interrupt():
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(1)  # the signal arrives here, in the middle of the step

if method != "readiness":
    real = getattr(DockerEngine, method)
    def wrapped(self, *args, **kwargs):
        if when == "before":
            interrupt()
        result = real(self, *args, **kwargs)
        if when == "after":
            interrupt()
        return result
    setattr(DockerEngine, method, wrapped)

calls = []
def ready(container):
    calls.append(1)
    if method == "readiness" and len(calls) == 2:
        interrupt()
    return len(calls) >= 3

with Network() as network, (
    DockerContainer("redis:7")
    .with_network(network)
    .with_network_aliases("cache")
    .with_exposed_ports(6379)
    .with_copy_to_container(b"data", "/etc/dockyard-data")
    .waiting_for(CallableWaitStrategy(ready).with_poll_interval(0.05))
) as container:
    print("started", flush=True)
print("done", flush=True)
"""

POINTS = [
    "create_network:before",
    "create_network:after",
    "create_container:before",
    "create_container:after",
    "put_archive:before",
    "start_container:after",
    "follow_logs:after",
    "readiness:during",
    "remove_container:before",
    "remove_network:before",
]


def _run(point: str) -> tuple[str, int, str, float, dict[str, list[str]]]:
    sid = new_session("sigint")
    child = spawn(CHILD, sid, TESTCONTAINERS_RYUK_DISABLED="true", POINT=point)
    began = time.monotonic()
    _, err = child.communicate(timeout=120)
    took = time.monotonic() - began
    return point, child.returncode, err, took, leftovers(engine(), sid)


@pytest.fixture(scope="module")
def outcomes() -> dict[str, tuple[int, str, float, dict[str, list[str]]]]:
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(_run, POINTS))
    table = {point: (code, err, took, left) for point, code, err, took, left in results}
    clean = sum(1 for _, _, _, left in table.values() if nothing_left(left))
    propagated = sum(
        1 for _, err, _, _ in table.values() if err.rstrip().endswith("KeyboardInterrupt")
    )
    report(
        "sigint during start and teardown, reaper off",
        points=len(POINTS),
        nothing_left=clean,
        keyboard_interrupt_propagated=propagated,
    )
    return table


@pytest.mark.parametrize("point", POINTS)
def test_an_interrupt_leaves_nothing_and_propagates(
    point: str, outcomes: dict[str, tuple[int, str, float, dict[str, list[str]]]]
) -> None:
    code, err, _, left = outcomes[point]
    assert code != 0
    last = err.rstrip().splitlines()[-1] if err.strip() else ""
    assert last == "KeyboardInterrupt", err[-3000:]
    assert nothing_left(left), left
