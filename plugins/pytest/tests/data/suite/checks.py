"""What each test of the suite does, the same with the plugin's fixtures or its own containers.

Each writes a mark that only it should see, waits a moment (so tests of other workers run
meanwhile), and checks that it sees exactly its own mark; a result line per test goes to
$SUITE_RESULTS (module, server, pid, violations) when that is set.
"""

from __future__ import annotations

import os
import random
import time
import uuid
from pathlib import Path
from typing import Any

import sqlalchemy


def record(module: str, server: Any, violations: list[str]) -> None:
    folder = os.environ.get("SUITE_RESULTS")
    if folder:
        line = f"{module} {server.name} {os.getpid()} {len(violations)} {violations}\n"
        (Path(folder) / f"{uuid.uuid4().hex}.txt").write_text(line)
    assert not violations, violations


def me(n: int) -> str:
    return f"{os.getpid()}-{n}-{uuid.uuid4().hex[:6]}"


def pause() -> None:
    time.sleep(random.random() * 0.2)


def postgres(engine: sqlalchemy.Engine, mark: str) -> list[str]:
    text = sqlalchemy.text
    with engine.begin() as connection:
        # Fails if another test's table reached this database.
        connection.execute(text("CREATE TABLE mark (who text)"))
        connection.execute(text("INSERT INTO mark VALUES (:who)"), {"who": mark})
    pause()
    with engine.connect() as connection:
        rows = list(connection.execute(text("SELECT who FROM mark")).scalars())
    return [] if rows == [mark] else [f"postgres: {rows} instead of {mark}"]


def redis(isolation: Any, mark: str) -> list[str]:
    client = isolation.client
    problems = []
    if client.dbsize() and not isolation.prefix:
        problems.append(f"redis: database {isolation.db} not empty")
    client.set(isolation.key("mark"), mark)
    pause()
    if client.get(isolation.key("mark")) != mark.encode():
        problems.append(f"redis: lost its key in database {isolation.db}")
    if not isolation.prefix and client.dbsize() != 1:
        problems.append(f"redis: another test's keys in database {isolation.db}")
    return problems


def kafka(namespace: Any, mark: str) -> list[str]:
    namespace.create_topics("events")
    producer = namespace.producer()
    producer.send(namespace.topic("events"), mark.encode()).get(timeout=30)
    producer.close()
    pause()
    consumer = namespace.consumer("events")
    got = [r.value for batch in consumer.poll(timeout_ms=15000).values() for r in batch]
    consumer.close()
    return [] if got == [mark.encode()] else [f"kafka: {got} instead of {mark}"]
