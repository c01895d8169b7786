"""A test process killed with SIGKILL leaves nothing behind: the reaper removes it all.

Two cases, each printing its figures: ten processes each holding a network and two
containers, killed at once (every one cleaned within 15 s with the default 10 s grace);
and a process whose reaper is killed under it, then the process itself (the watched
connection got a new reaper in time, which cleans up).
"""

from __future__ import annotations

import json
import signal
import time
from typing import Any

from harness import engine, leftovers, new_session, nothing_left, report, spawn, spread, wait_for

TRIALS = 10
BOUND = 15.0

HOLDER = """
import json, sys, time
from dockyard.core import DockerContainer, LogMessageWaitStrategy, Network, current_session
network = Network().create()
ready = LogMessageWaitStrategy("Ready to accept")
first = DockerContainer("redis:7").with_network(network).waiting_for(ready).start()
second = DockerContainer("redis:7").with_network(network).waiting_for(ready).start()
session = current_session()
print(json.dumps({"reaper": session.reaper.container_id}), flush=True)
for line in sys.stdin:  # each line asks for the reaper's state
    print(json.dumps({"reaper": session.reaper.container_id,
                      "reconnects": session.reaper.reconnects}), flush=True)
time.sleep(3600)  # holding everything until killed
"""


def _kill(child: Any) -> None:
    child.send_signal(signal.SIGKILL)
    child.communicate()


def test_killed_processes_leave_nothing_behind() -> None:
    client = engine()
    sessions = [new_session("crash") for _ in range(TRIALS)]
    children = [spawn(HOLDER, sid) for sid in sessions]
    for child in children:
        line = child.stdout.readline() if child.stdout else ""
        assert line, child.communicate()[1]
    for sid in sessions:
        found = leftovers(client, sid)
        assert len(found["containers"]) == 2 and len(found["networks"]) == 1, found
    killed_at = time.monotonic()
    for child in children:
        child.send_signal(signal.SIGKILL)
    seconds: list[float] = []
    for sid in sessions:
        took = wait_for(lambda sid=sid: nothing_left(leftovers(client, sid)), BOUND + 5, 0.1)
        assert took is not None, (sid, leftovers(client, sid))
        seconds.append(time.monotonic() - killed_at)
    for child in children:
        _kill(child)
    report("sigkill: network + 2 containers", trials=TRIALS, seconds_to_clean=spread(seconds))
    assert max(seconds) <= BOUND, seconds


def test_a_killed_reaper_is_replaced_so_a_later_crash_still_cleans_up() -> None:
    client = engine()
    sid = new_session("reaper-killed")
    child = spawn(HOLDER, sid, talk=True)
    try:
        first = json.loads(child.stdout.readline())
        killed = time.monotonic()
        client.api.kill(first["reaper"])
        replaced = None
        while time.monotonic() - killed < 10:
            child.stdin.write("status\n")
            child.stdin.flush()
            state = json.loads(child.stdout.readline())
            if state["reconnects"] >= 1 and state["reaper"] != first["reaper"]:
                replaced = time.monotonic() - killed
                break
            time.sleep(0.1)
        assert replaced is not None, "the reaper was not replaced"
    finally:
        _kill(child)
    gone = wait_for(lambda: nothing_left(leftovers(client, sid)), BOUND + 5, 0.1)
    report(
        "reaper killed, then the process",
        seconds_to_new_reaper=round(replaced, 2),
        seconds_to_clean=round(gone, 2) if gone is not None else None,
    )
    assert gone is not None and gone <= BOUND, leftovers(client, sid)
