"""Eight processes, five containers each, at once: every start works, nothing is left."""

from __future__ import annotations

import json
import time

from harness import engine, leftovers, new_session, nothing_left, report, spawn, spread

PROCESSES = 8
CONTAINERS = 5

WORKER = """
import json, socket, time
from dockyard.core import DockerContainer, LogMessageWaitStrategy, start_all, stop_all
began = time.monotonic()
containers = [DockerContainer("redis:7").with_exposed_ports(6379)
              .waiting_for(LogMessageWaitStrategy("Ready to accept")) for _ in range(%d)]
start_all(*containers)
ready = time.monotonic() - began
pongs = 0
for c in containers:
    with socket.create_connection((c.host(), c.mapped_port(6379)), timeout=5) as s:
        s.sendall(b"PING\\r\\n")
        pongs += s.recv(16).startswith(b"+PONG")
ports = [c.mapped_port(6379) for c in containers]
stop_all(*containers)
print(json.dumps({"ready": ready, "pongs": pongs, "ports": ports}), flush=True)
"""


def test_eight_processes_of_five_containers() -> None:
    client = engine()
    sessions = [new_session("load") for _ in range(PROCESSES)]
    began = time.monotonic()
    children = [spawn(WORKER % CONTAINERS, sid) for sid in sessions]
    results, failures = [], []
    for child in children:
        out, err = child.communicate(timeout=300)
        if child.returncode != 0:
            failures.append(err[-2000:])
        else:
            results.append(json.loads(out.strip().splitlines()[-1]))
    wall = time.monotonic() - began
    leaked = [sid for sid in sessions if not nothing_left(leftovers(client, sid))]
    ports = [port for result in results for port in result["ports"]]
    report(
        "8 processes x 5 containers",
        failures=len(failures),
        leaks=len(leaked),
        wall_seconds=round(wall, 1),
        per_process_ready_seconds=spread([r["ready"] for r in results]) if results else None,
    )
    assert not failures, failures
    assert all(r["pongs"] == CONTAINERS for r in results)
    assert len(set(ports)) == PROCESSES * CONTAINERS  # no two containers share a host port
    assert not leaked
