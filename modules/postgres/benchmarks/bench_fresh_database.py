"""Benchmark: a fresh per-test database from a template vs. a new container.

Run (the local image through substitution, as in the test run):

    DOCKYARD_IMAGE_SUBSTITUTIONS="$(python3 tools/images/image_manifest.py substitutions)" \\
    TESTCONTAINERS_RYUK_DISABLED=true \\
    PYTHONPATH=core:modules/postgres \\
    python modules/postgres/benchmarks/bench_fresh_database.py [--runs 30] [--containers 5]

Each "fresh database" sample is what a per-test fixture costs: create a database
from the template (20 tables), connect to it and run one query, drop it -- once
with the data directory on the container's disk (overlayfs), once on a tmpfs
(the default; ``data_in_memory=False`` for the disk), for both CREATE DATABASE
strategies of PostgreSQL 15+.
Each "new container" sample is start() until ready, the same schema, one query,
stop(). The median of the runs is printed for each, side by side.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable

import sqlalchemy
from sqlalchemy.pool import NullPool

from dockyard.postgres import PostgresContainer

#: A small but not trivial schema: 20 tables with an index and 500 rows each.
SCHEMA = "\n".join(
    f"CREATE TABLE t{i} (id serial PRIMARY KEY, name text NOT NULL, n int);"
    f"CREATE INDEX t{i}_name ON t{i} (name);"
    f"INSERT INTO t{i} (name, n) SELECT 'row ' || g, g FROM generate_series(1, 500) g;"
    for i in range(20)
)


def _apply_schema(container: PostgresContainer) -> None:
    engine = sqlalchemy.create_engine(container.get_connection_url(), poolclass=NullPool)
    with engine.begin() as connection:
        connection.exec_driver_sql(SCHEMA)


def _use(url: str) -> None:
    engine = sqlalchemy.create_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        assert connection.execute(sqlalchemy.text("SELECT count(*) FROM t7")).scalar_one() == 500


def _timed(action: Callable[[], object], runs: int, warmup: int = 1) -> list[float]:
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        samples.append(time.perf_counter() - began)
    return samples


def _fmt(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    return (
        f"median {statistics.median(ms):8.1f} ms   min {ms[0]:8.1f}   max {ms[-1]:8.1f}   "
        f"(n={len(ms)})"
    )


def _bench_fresh(pg: PostgresContainer, where: str, runs: int) -> dict[str, list[float]]:
    results: dict[str, list[float]] = {}
    _apply_schema(pg)
    version = pg.admin.server_version()
    strategies: list[str | None] = ["FILE_COPY", "WAL_LOG"] if version >= 150000 else [None]
    for strategy in strategies:
        pg.admin.strategy = strategy
        name = strategy or "server default"

        def fresh_database() -> None:
            with pg.isolated_database() as url:
                _use(url)

        results[f"fresh database, {where} ({name}): create+query+drop"] = _timed(
            fresh_database, runs, warmup=2
        )
        created: list[str] = []
        results[f"  of which CREATE DATABASE alone, {where} ({name})"] = _timed(
            lambda created=created: created.append(pg.admin.create_from_template(None, pg.dbname)),
            runs,
            warmup=0,
        )
        results[f"  of which DROP DATABASE alone, {where} ({name})"] = _timed(
            lambda created=created: pg.admin.drop(created.pop()), runs, warmup=0
        )
    pg.admin.strategy = pg.clone_strategy
    pg.snapshot()
    results[f"restore() from snapshot, {where}"] = _timed(pg.restore, runs, warmup=1)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="fresh databases per variant")
    parser.add_argument("--containers", type=int, default=5, help="container starts")
    args = parser.parse_args(argv)

    results: dict[str, list[float]] = {}
    with PostgresContainer(data_in_memory=False) as on_disk:
        version = on_disk.admin.server_version()
        results.update(_bench_fresh(on_disk, "data on disk", args.runs))
    with PostgresContainer() as in_memory:
        results.update(_bench_fresh(in_memory, "data in memory", args.runs))

    def new_container() -> None:
        with PostgresContainer() as fresh:
            _apply_schema(fresh)
            _use(fresh.get_connection_url())

    container_label = "new container (data in memory) + schema + query + stop"
    results[container_label] = _timed(new_container, args.containers, warmup=0)

    width = max(len(label) for label in results)
    print(f"PostgreSQL server_version_num {version}; medians of several runs")
    for label, samples in results.items():
        print(f"{label:<{width}}  {_fmt(samples)}")
    container = statistics.median(results[container_label])
    for label, samples in results.items():
        if label.startswith("fresh database") and "FILE_COPY" in label:
            ratio = container / statistics.median(samples)
            print(f"{label.split(':')[0]}: {ratio:.0f}x faster than a new container")
    return 0


if __name__ == "__main__":
    sys.exit(main())
