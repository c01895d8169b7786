"""One benchmark target: get a PostgreSQL server, run one query (run_bench.py runs many).

With BENCH_POSTGRES_URL set the test uses that already running server (the baseline);
otherwise it gets one through Dockyard, labelled with BENCH_RUN so the benchmark can count
the containers it caused: shared across the targets (the macros' default), or its own
with BENCH_SHARING=off.
"""

from __future__ import annotations

import os

import sqlalchemy
from dockyard.postgres import PostgresContainer
from sqlalchemy import text


def query(engine: sqlalchemy.Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT 1")).scalar_one())


def test_one_query() -> None:
    url = os.environ.get("BENCH_POSTGRES_URL")
    if url:
        engine = sqlalchemy.create_engine(url)
        try:
            assert query(engine) == 1
        finally:
            engine.dispose()
        return
    server = PostgresContainer().with_label("org.dockyard.bench", os.environ.get("BENCH_RUN", "-"))
    if os.environ.get("BENCH_SHARING") == "off":
        server.with_sharing(False)
    with server:
        engine = server.get_engine()
        try:
            assert query(engine) == 1
        finally:
            engine.dispose()
