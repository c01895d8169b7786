"""Benchmark: 20 test processes that each need PostgreSQL, 4 at a time, on one shared server.

    bazel run //modules/postgres:bench_sharing -- --runs 3

Three cases per run, interleaved over the runs, each with a server configuration of its
own (a label with a fresh token), so every fleet starts cold:

- alone: one process starts the shared server and creates a table in its own database;
- fleet: 20 such processes, 4 at a time, share one server (started by whichever comes
  first; the others join it);
- floor: the same 20 processes against a server this benchmark started beforehand.

Target (issue 10): fleet wall time <= 1.2 x (alone + floor), with one container started.
Printed: medians (min-max) of each case, the ratio, and the containers each fleet started.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import docker

from dockyard.postgres import PostgresContainer

PROCESSES = 20
AT_ONCE = 4
LABEL = "dockyard.bench.sharing"

WORKER = """
import sys
from dockyard.postgres import PostgresContainer
pg = PostgresContainer().with_label(sys.argv[1], sys.argv[2]).with_sharing().start()
with pg.isolated_database(driver=None) as url:
    connection = pg.connect(url.rsplit("/", 1)[1], autocommit=True)
    connection.cursor().execute("CREATE TABLE orders (id serial PRIMARY KEY, total int)")
    connection.close()
pg.stop()
"""


def worker(token: str) -> None:
    path = os.pathsep.join(p for p in sys.path if p)
    result = subprocess.run(
        [sys.executable, "-c", WORKER, LABEL, token],
        env={**os.environ, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-2000:])


def fleet(token: str) -> float:
    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        list(pool.map(worker, [token] * PROCESSES))
    return time.monotonic() - began


def containers_with(client: docker.DockerClient, token: str) -> int:
    return len(client.api.containers(all=True, filters={"label": f"{LABEL}={token}"}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    client = docker.from_env()
    times: dict[str, list[float]] = {"alone": [], "fleet": [], "floor": []}
    started: list[int] = []
    for _ in range(args.runs):
        token = uuid.uuid4().hex
        began = time.monotonic()
        worker(token)
        times["alone"].append(time.monotonic() - began)

        token = uuid.uuid4().hex
        times["fleet"].append(fleet(token))
        # Still there in its grace period: every container the fleet made is counted.
        started.append(containers_with(client, token))

        token = uuid.uuid4().hex
        with PostgresContainer().with_label(LABEL, token).with_sharing():
            times["floor"].append(fleet(token))

    def median(case: str) -> float:
        return statistics.median(times[case])

    for case, values in times.items():
        print(
            f"{case:<6} median {median(case):6.2f} s   min {min(values):6.2f}   "
            f"max {max(values):6.2f}   (n={len(values)})"
        )
    target = 1.2 * (median("alone") + median("floor"))
    print(
        f"fleet / (alone + floor) = {median('fleet') / (median('alone') + median('floor')):.2f}"
        f"  (target <= 1.20: fleet <= {target:.2f} s)"
    )
    print(f"PostgreSQL containers per fleet: {started}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
