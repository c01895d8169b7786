"""Six processes of eight tests each on one shared PostgreSQL, Redis and Kafka: no crosstalk.

Each worker process seeds the main PostgreSQL database (which must never reach anyone's
fresh copy), keeps a transaction open on it (which cloning must never end), and runs
eight "tests": each gets a fresh database, a leased Redis database and a Kafka topic
namespace, writes a marker, waits a moment, and checks that it sees exactly its own data.
Three rounds; every violation is counted and must be zero.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid

import pytest

WORKERS = 6
TESTS = 8
ROUNDS = 3
GRACE = "3"

WORKER = r"""
import json, os, random, sys, time
from dockyard.kafka import KafkaContainer
from dockyard.postgres import PostgresContainer
from dockyard.redis import RedisContainer

token = sys.argv[1]
violations = []
pg = PostgresContainer().with_label("dockyard.test.iso", token).with_sharing().start()
redis = RedisContainer().with_label("dockyard.test.iso", token).with_sharing().start()
kafka = KafkaContainer().with_label("dockyard.test.iso", token).with_sharing().start()
me = f"{os.getpid()}"

main = pg.connect(autocommit=False)           # seeds the main database, and stays open
cur = main.cursor()
cur.execute(f"CREATE TABLE IF NOT EXISTS leaked_{me} (x int)")
main.commit()
cur.execute("SELECT 1")                        # a transaction left open on purpose

for test in range(8):
    with pg.isolated_database(driver=None) as url:
        name = url.rsplit("/", 1)[1]
        conn = pg.connect(name, autocommit=True)
        c = conn.cursor()
        c.execute("SELECT tablename FROM pg_tables WHERE tablename LIKE 'leaked_%%'")
        if c.fetchall():
            violations.append(f"pg: a worker's seed reached a fresh database ({name})")
        c.execute("CREATE TABLE mark (who text)")
        c.execute("INSERT INTO mark VALUES (%s)", (f"{me}-{test}",))
        time.sleep(random.random() * 0.05)
        c.execute("SELECT who FROM mark")
        rows = [r[0] for r in c.fetchall()]
        if rows != [f"{me}-{test}"]:
            violations.append(f"pg: {rows}")
        conn.close()
    with redis.isolated_database(decode_responses=True) as iso:
        if iso.client.dbsize() and not iso.prefix:
            violations.append(f"redis: db {iso.db} not empty")
        iso.client.set(iso.key("mark"), f"{me}-{test}")
        time.sleep(random.random() * 0.05)
        if iso.client.get(iso.key("mark")) != f"{me}-{test}":
            violations.append(f"redis: lost its key in db {iso.db}")
        if not iso.prefix and iso.client.dbsize() != 1:
            violations.append(f"redis: another test's keys in db {iso.db}")
    if test < 2:                               # Kafka is slower: two tests per worker
        with kafka.topic_namespace() as ns:
            ns.create_topics("events")
            producer = ns.producer()
            producer.send(ns.topic("events"), f"{me}-{test}".encode()).get(timeout=30)
            producer.close()
            consumer = ns.consumer("events")
            got = [r.value for b in consumer.poll(timeout_ms=15000, max_records=10).values()
                   for r in b]
            consumer.close()
            if got != [f"{me}-{test}".encode()]:
                violations.append(f"kafka: {got}")

try:
    cur.execute("SELECT 1")                    # the open transaction survived every clone
    main.commit()
except Exception as exc:
    violations.append(f"pg: the open transaction on the main database died: {exc!r}")
print(json.dumps({"violations": violations, "ids": [pg.id, redis.id, kafka.id]}), flush=True)
"""


def run_round(token: str) -> list[dict[str, object]]:
    path = os.pathsep.join(p for p in sys.path if p)
    env = {**os.environ, "PYTHONPATH": path, "DOCKYARD_SHARING_GRACE": GRACE}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, token],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(WORKERS)
    ]
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=600)
        assert worker.returncode == 0, err[-3000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


@pytest.mark.parametrize("round_number", range(1, ROUNDS + 1))
def test_six_workers_of_eight_tests_share_servers_without_crosstalk(round_number: int) -> None:
    import docker

    token = uuid.uuid4().hex
    results = run_round(token)
    violations = [v for r in results for v in r["violations"]]  # type: ignore[attr-defined]
    servers = {tuple(r["ids"]) for r in results}  # type: ignore[arg-type]
    print(
        f"[isolation] round {round_number}: {WORKERS} workers x {TESTS} tests, "
        f"{len(violations)} violations, servers {len(servers)}",
        flush=True,
    )
    assert violations == []
    assert len(servers) == 1  # one PostgreSQL, one Redis, one Kafka for all six workers
    client = docker.from_env()

    def labelled() -> list[object]:
        return list(
            client.api.containers(all=True, filters={"label": f"dockyard.test.iso={token}"})
        )

    assert len(labelled()) == 3
    # Every worker has exited: the leases' reapers remove the servers after the grace period.
    deadline = time.monotonic() + float(GRACE) + 5
    while labelled() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert labelled() == []
