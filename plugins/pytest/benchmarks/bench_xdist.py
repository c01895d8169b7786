"""The 16-test suite (PostgreSQL, Redis, Kafka) serially and with pytest-xdist, on the
plugin's shared servers and written with a container per test.

    bazel run //plugins/pytest:bench_xdist -- --runs 3 --workers 4

(with the run's DOCKYARD_IMAGE_SUBSTITUTIONS in the environment when there is no registry:
`tools/dev` exports them). Each run starts cold: a label of its own gives it servers of its
own, and the next run waits until the previous run's containers are gone. Prints the wall
time of each case (median of the runs) as a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import docker

SUITE = Path(__file__).resolve().parent.parent / "tests" / "data" / "suite"
GRACE = "2"


def leftovers(label: str) -> list[str]:
    client = docker.from_env()
    try:
        # The low-level list: no inspect per container, which races with their removal.
        listed = client.api.containers(all=True, filters={"label": label})
        return [str(c["Names"][0]).lstrip("/") for c in listed]
    finally:
        client.close()


def run_case(suite_file: str, workers: int) -> float:
    label = f"dockyard.bench.xdist={uuid.uuid4().hex[:12]}"
    env = dict(os.environ, DOCKYARD_SHARING_GRACE=GRACE, DOCKYARD_PYTEST_DISCOVERY="namespace")
    # The per-test suite starts its containers itself: they must not share either.
    env["DOCKYARD_SHARING"] = "opt-in"
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "dockyard.pytest",
        "-p",
        "no:cacheprovider",
    ]
    command += ["-c", str(SUITE / "pytest.ini"), "--dockyard-label", label]
    command += ["-n", str(workers)] if workers else ["-p", "no:xdist"]
    command.append(str(SUITE / suite_file))
    began = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1800)
    seconds = time.perf_counter() - began
    if result.returncode != 0 or "16 passed" not in result.stdout:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    deadline = time.monotonic() + 60
    while leftovers(label) and time.monotonic() < deadline:  # not timed: the next run starts cold
        time.sleep(0.5)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1, help="runs of each case (median)")
    parser.add_argument("--workers", type=int, default=4, help="xdist workers (-n)")
    options = parser.parse_args()
    cases = [
        ("shared servers (plugin fixtures), serial", "test_shared.py", 0),
        (
            f"shared servers (plugin fixtures), -n {options.workers}",
            "test_shared.py",
            options.workers,
        ),
        ("a container per test, serial", "test_per_test.py", 0),
        (f"a container per test, -n {options.workers}", "test_per_test.py", options.workers),
    ]
    times: dict[str, list[float]] = {name: [] for name, _, _ in cases}
    for _ in range(options.runs):  # interleaved, so a slow minute of the machine hits every case
        for name, suite_file, workers in cases:
            times[name].append(run_case(suite_file, workers))
            print(f"{name}: {times[name][-1]:.1f} s", file=sys.stderr)
    print(f"| 16 tests (6 PostgreSQL, 6 Redis, 4 Kafka) | wall time, median of {options.runs} |")
    print("| --- | --- |")
    for name, _, _ in cases:
        print(f"| {name} | {statistics.median(times[name]):.1f} s |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
