"""Cycle benchmark: Dockyard against raw docker-py, time and Docker API requests per cycle.

Each case is a cycle of construct → start → first real operation → stop: core
(``DockerContainer`` of Redis with a log wait, then a RESP PING), PostgreSQL (SELECT 1),
Redis (PING) and Kafka (list topics); each beside raw docker-py doing the same with the same
image and settings, polling its service every 25 ms. One warm-up round first (the session's
one-time costs: Dockyard's client and reaper), then ``--runs`` rounds over all cases in turn,
the order within each pair alternating from round to round.

Requests are counted by a counting proxy per side (tools/bench/api_proxy.py): Dockyard
reaches it through DOCKER_HOST, docker-py through its ``base_url``. The reaper talks to the
engine's own socket (TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE), so only the test process's
requests are counted.

    bazel run //tools/bench:cycles -- --runs 7 [--verbose] [--json results.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import docker
import dockyard_cases
import raw_cases
from api_proxy import CountingProxy, engine_socket
from context import BenchContext
from report import CaseRecord, as_json, as_markdown, endpoint_tables
from timing import Timing
from workspace import SUBSTITUTIONS, image_substitutions

from dockyard.core import LABEL_BASE, LABEL_SESSION_ID, session_id

SERVICES = ("core", "postgres", "redis", "kafka")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="measured rounds (default 7)")
    parser.add_argument(
        "--services",
        default=",".join(SERVICES),
        help=f"comma-separated, of {', '.join(SERVICES)} (default: all)",
    )
    parser.add_argument(
        "--no-kafka-direct",
        action="store_true",
        help="leave out raw Kafka without the start-script hand-off",
    )
    parser.add_argument("--interval", type=float, default=0.025, help="raw side's poll, s")
    parser.add_argument("--verbose", action="store_true", help="requests per endpoint too")
    parser.add_argument(
        "--json", metavar="PATH", help="also write the results as JSON ('-': stdout)"
    )
    args = parser.parse_args(argv)
    args.services = [s.strip() for s in args.services.split(",") if s.strip()]
    unknown = sorted(set(args.services) - set(SERVICES))
    if unknown or not args.services:
        parser.error(f"--services: unknown {unknown}; choose from {', '.join(SERVICES)}")
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def records_for(services: Sequence[str], kafka_direct: bool) -> list[list[CaseRecord]]:
    """Per service, its records in table order: Dockyard, docker-py (, docker-py direct)."""
    groups = []
    for service in services:
        group = [
            CaseRecord(f"dockyard:{service}", dockyard_cases.CASES[service]),
            CaseRecord(f"raw:{service}", raw_cases.CASES[service]),
        ]
        if service == "kafka" and kafka_direct:
            group.append(CaseRecord("raw:kafka-direct", raw_cases.CASES["kafka-direct"]))
        groups.append(group)
    return groups


def measure(
    record: CaseRecord, proxy: CountingProxy, context: BenchContext
) -> tuple[Timing, Counter[str]]:
    mark = proxy.mark()
    timing = record.case.run(context)
    proxy.wait_idle(quiet=0.2, timeout=5.0)  # a background thread's last call counts here too
    return timing, proxy.counts(since=mark)


@contextmanager
def proxies(engine: str) -> Iterator[tuple[CountingProxy, CountingProxy]]:
    with (
        tempfile.TemporaryDirectory(prefix="dockyard-bench-") as scratch,
        CountingProxy(Path(scratch) / "dockyard.sock", engine) as dockyard_side,
        CountingProxy(Path(scratch) / "raw.sock", engine) as raw_side,
    ):
        yield dockyard_side, raw_side


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ[SUBSTITUTIONS] = image_substitutions()
    engine = engine_socket()  # the real engine, read before DOCKER_HOST names the proxy
    groups = records_for(args.services, not args.no_kafka_direct)
    load_before = load()
    with proxies(engine) as (dockyard_side, raw_side):
        os.environ["DOCKER_HOST"] = dockyard_side.url
        os.environ["TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE"] = engine
        direct = docker.DockerClient(base_url=f"unix://{engine}", timeout=120)
        raw = docker.DockerClient(base_url=raw_side.url, timeout=120)
        context = BenchContext(
            raw=raw,
            direct=direct,
            labels={
                LABEL_BASE: "true",
                LABEL_SESSION_ID: session_id(),
                "org.dockyard.bench": "raw",
            },
            interval=args.interval,
        )
        for index in range(args.runs + 1):
            for group in groups:
                for record in group if index % 2 else reversed(group):
                    proxy = dockyard_side if record.case.side == "dockyard" else raw_side
                    label = "warm-up" if index == 0 else f"run {index}/{args.runs}"
                    try:
                        timing, counts = measure(record, proxy, context)
                    except Exception as exc:  # one failed cycle is a finding, not the end
                        record.failures.append(f"{label}: {type(exc).__name__}: {exc}")
                        print(f"{label} {record.case.name}: FAILED {exc!r}", file=sys.stderr)
                        continue
                    if index == 0:
                        record.warmup = counts
                    else:
                        record.timings.append(timing)
                        record.requests.append(counts)
                    print(
                        f"{label} {record.case.name}: ready {timing.ready:.2f}s, cycle "
                        f"{timing.cycle:.2f}s, {sum(counts.values())} requests",
                        file=sys.stderr,
                        flush=True,
                    )
        version = direct.version()
        raw.close()
        direct.close()
    records = [record for group in groups for record in group]
    machine = {
        "runs": args.runs,
        "cpus": os.cpu_count(),
        "load_before": load_before,
        "load_after": load(),
        "engine": f"{version.get('Version')} (API {version.get('ApiVersion')})",
        "python": platform.python_version(),
        "docker_py": docker.__version__,
        "substitutions": os.environ[SUBSTITUTIONS],
    }
    print(as_markdown(records, machine))
    failed = any(record.failures for record in records)
    if args.verbose:
        print("\n" + endpoint_tables(records))
    if args.json:
        text = json.dumps(as_json(records, machine), indent=2)
        if args.json == "-":
            print(text)
        else:
            # `bazel run` starts in the runfiles: a relative path means the caller's directory.
            where = Path(os.environ.get("BUILD_WORKING_DIRECTORY", ".")) / args.json
            where.write_text(text + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
