#!/usr/bin/env python3
"""The Bazel benchmark of docs/bazel.md: N test targets that each need PostgreSQL.

    python3 examples/monorepo/bench/run_bench.py [--targets 50] [--mode shared|containers|server]
        [--jobs 8] [--local-test-jobs 4] [--output-base DIR]

Runs `bazel test --jobs=J --local_test_jobs=L --nocache_test_results` over //bench:pg_00 …
in the example workspace, after building them (so the wall time is the tests'), and counts
the containers started meanwhile with `docker events`:

- `shared`: the macros' default (DOCKYARD_SHARING=services): the targets share one server;
- `containers`: every target starts its own PostgreSQL (sharing off);
- `server`: the targets use one server started beforehand (the baseline for sharing's
  target: wall time within 1.2 times this).

Standard library only.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

WORKSPACE = Path(__file__).resolve().parent.parent
REPO = WORKSPACE.parent.parent
POSTGRES_PASSWORD = "bench"


def local_postgres_tag() -> str:
    sys.path.insert(0, str(REPO / "tools" / "images"))
    from image_manifest import local_image

    return local_image("postgres")


def bazel(output_base: str | None, *args: str, check: bool = True) -> float:
    startup = [f"--output_base={output_base}"] if output_base else []
    command = ["bazel", *startup, *args[:1], "--symlink_prefix=/", *args[1:]]
    started = time.monotonic()
    result = subprocess.run(command, cwd=WORKSPACE, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if check and result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-40:])
        raise SystemExit(f"{' '.join(command)} failed (exit {result.returncode}):\n{tail}")
    return seconds


def start_server(run: str) -> tuple[str, str]:
    """One PostgreSQL container for the baseline: (container id, URL for the tests)."""
    container = subprocess.run(
        [
            "docker",
            "run",
            "-d",
            "--rm",
            "--label",
            "org.testcontainers=true",
            "--label",
            f"org.dockyard.bench={run}",
            "-e",
            f"POSTGRES_PASSWORD={POSTGRES_PASSWORD}",
            "-p",
            "127.0.0.1::5432",
            local_postgres_tag(),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    port = (
        subprocess.run(
            ["docker", "port", container, "5432/tcp"], capture_output=True, text=True, check=True
        )
        .stdout.split(":")[-1]
        .strip()
    )
    url = f"postgresql+psycopg2://postgres:{POSTGRES_PASSWORD}@127.0.0.1:{port}/postgres"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the entrypoint restarts once after initdb
        logs = subprocess.run(["docker", "logs", container], capture_output=True, text=True)
        if (logs.stdout + logs.stderr).count("ready to accept connections") >= 2:
            return container, url
        time.sleep(0.2)
    raise SystemExit("the baseline PostgreSQL did not become ready within 60 s")


def watch_starts() -> subprocess.Popen[str]:
    """Streams the engine's container starts from now on (its --since log keeps too few)."""
    return subprocess.Popen(
        [
            "docker",
            "events",
            "--filter",
            "type=container",
            "--filter",
            "event=start",
            "--format",
            "{{json .Actor.Attributes}}",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )


def started_containers(watch: subprocess.Popen[str]) -> list[dict[str, str]]:
    time.sleep(1)  # the last events reach the stream
    watch.terminate()
    output, _ = watch.communicate(timeout=10)
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=50, help="how many of the 50 targets")
    parser.add_argument("--mode", choices=["shared", "containers", "server"], default="shared")
    parser.add_argument("--jobs", type=int, default=8)
    parser.add_argument("--local-test-jobs", type=int, default=4)
    parser.add_argument("--output-base", help="Bazel output base (default: Bazel's own)")
    args = parser.parse_args(argv)
    if not 1 <= args.targets <= 50:
        parser.error("--targets must be between 1 and 50 (bench/BUILD.bazel defines 50)")
    targets = [f"//bench:pg_{index:02d}" for index in range(args.targets)]
    run = uuid.uuid4().hex[:12]
    env_flags = [f"--test_env=BENCH_RUN={run}"]
    if args.mode == "containers":
        env_flags.append("--test_env=BENCH_SHARING=off")
    server = None
    try:
        if args.mode == "server":
            server, url = start_server(run)
            env_flags.append(f"--test_env=BENCH_POSTGRES_URL={url}")
        flags = [f"--jobs={args.jobs}", f"--local_test_jobs={args.local_test_jobs}"]
        bazel(args.output_base, "build", *flags, *targets)  # not part of the timing
        watch = watch_starts()
        seconds = bazel(
            args.output_base, "test", *flags, "--nocache_test_results", *env_flags, *targets
        )
        started = started_containers(watch)
    finally:
        if server:
            subprocess.run(["docker", "rm", "-f", server], capture_output=True)
    postgres = [e for e in started if e.get("org.dockyard.bench") == run]
    reapers = [e for e in started if e.get("org.testcontainers.ryuk") == "true"]
    print(
        json.dumps(
            {
                "mode": args.mode,
                "targets": args.targets,
                "jobs": args.jobs,
                "local_test_jobs": args.local_test_jobs,
                "wall_seconds": round(seconds, 1),
                "postgres_containers_started": len(postgres),
                # Reapers on the engine meanwhile: one per test process here, plus any that
                # other users of a shared engine started in the same window.
                "reaper_containers_started": len(reapers),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
