"""A real pytest-xdist run: 16 tests on PostgreSQL, Redis and Kafka over four workers.

One server of each kind serves every worker (sharing), no test sees another's data, the
summary shows three starts and the workers' joins, and nothing is left afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from conftest import DATA, containers_with

SUITE = DATA / "suite"
GRACE = 3


def run_suite(results: Path, label: str) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        SUITE_RESULTS=str(results),
        DOCKYARD_SHARING_GRACE=str(GRACE),
        DOCKYARD_PYTEST_DISCOVERY="namespace",
    )
    command = [
        sys.executable, "-m", "pytest", "-n", "4", "-p", "dockyard.pytest",
        "-p", "no:cacheprovider", "-c", str(SUITE / "pytest.ini"), "--durations=1",
        "--dockyard-label", label, str(SUITE / "test_shared.py"),
    ]  # fmt: skip
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)


def test_four_workers_share_one_server_of_each_and_leave_nothing(
    tmp_path: Path, label: str
) -> None:
    results = tmp_path / "results"
    results.mkdir()
    run = run_suite(results, label)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "16 passed" in run.stdout, output

    lines = [p.read_text().split(" ", 4) for p in sorted(results.iterdir())]
    assert len(lines) == 16, lines
    servers: dict[str, set[str]] = defaultdict(set)
    for module, server, _pid, violations, _ in lines:
        assert violations == "0", lines
        servers[module].add(server)
    assert {m: len(s) for m, s in servers.items()} == {"postgres": 1, "redis": 1, "kafka": 1}
    assert len({pid for _, _, pid, _, _ in lines}) > 1, "the tests ran in one process"

    # The controller's summary: each server started once; the other workers joined it.
    starts = [line for line in run.stdout.splitlines() if " for dockyard_" in line]
    assert sum(" started " in line for line in starts) == 3, run.stdout
    assert all(" joined (shared) " in line for line in starts if " started " not in line)

    # Gone a grace period after the last worker: the servers and their shared reapers.
    names = {server for found in servers.values() for server in found}
    reapers = {name.replace("dockyard-shared-", "dockyard-ryuk-shared-") for name in names}
    deadline = time.monotonic() + GRACE + 30
    while (containers_with(label) or _existing(reapers)) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert containers_with(label) == []
    assert _existing(reapers) == set()


def _existing(names: set[str]) -> set[str]:
    import docker

    client = docker.from_env()
    try:
        running = {str(c["Names"][0]).lstrip("/") for c in client.api.containers(all=True)}
    finally:
        client.close()
    return names & running
