"""The report: medians with their spread, ratios against the raw side, session costs."""

from __future__ import annotations

from collections import Counter

from context import Case
from kafka_floor import KafkaFloor
from report import CaseRecord, as_json, as_markdown, endpoint_tables
from timing import Timing

MACHINE = {
    "runs": 3,
    "cpus": 2,
    "load_before": "0.10 0.20 0.30",
    "load_after": "0.40 0.50 0.60",
    "engine": "20.10 (API 1.41)",
    "python": "3.11",
    "docker_py": "7.1.0",
}


def never_run(_: object) -> Timing:
    raise AssertionError("the report does not run cycles")


def record(key: str, side: str, ready: list[float], requests: list[int]) -> CaseRecord:
    result = CaseRecord(key, Case("redis", side, never_run))
    result.timings = [Timing(ready=r, cycle=r + 0.2) for r in ready]
    result.requests = [Counter({"GET /containers/{id}/json": n}) for n in requests]
    result.warmup = Counter({"GET /containers/{id}/json": requests[0] + 4})
    return result


def test_rows_show_median_spread_ratio_and_requests() -> None:
    records = [
        record("dockyard:redis", "dockyard", [0.6, 0.5, 0.7], [10, 10, 10]),
        record("raw:redis", "docker-py", [0.5, 0.4, 0.6], [5, 5, 6]),
    ]
    rows = as_markdown(records, MACHINE).splitlines()
    assert (
        "| redis | dockyard | 0.60 (0.50-0.70) | 1.20x | 0.80 (0.70-0.90) | 1.14x | 10 |"
        in (rows[4])
    )
    assert "| redis | docker-py | 0.50 (0.40-0.60) | — |" in rows[5]
    assert "| 5 (5-6) |" in rows[5]
    assert "Once per session: 4 requests" in as_markdown(records, MACHINE)


def test_kafka_rows_compare_ready_with_the_floor() -> None:
    kafka = CaseRecord("dockyard:kafka", Case("kafka", "dockyard", never_run))
    kafka.timings = [Timing(2.4, 2.6, KafkaFloor(0.2, 1.8, 2.3))]
    kafka.requests = [Counter({"POST /containers/create": 1})]
    row = as_markdown([kafka], MACHINE).splitlines()[4]
    assert row.endswith("| 2.00 | 1.20x | 0.30 |")
    assert as_json([kafka], MACHINE)["cases"][0]["kafka_floor"][0]["floor"] == 2.0


def test_endpoint_tables_list_per_cycle_and_warm_up_counts() -> None:
    tables = endpoint_tables([record("raw:redis", "docker-py", [0.5], [5])])
    assert "| `GET /containers/{id}/json` | 5 | 9 |" in tables


def test_failed_cycles_are_named_and_left_out() -> None:
    failing = record("raw:redis", "docker-py", [0.5], [5])
    failing.failures.append("run 2/3: ProbeTimeout: redis not ready within 120s\nmore")
    text = as_markdown([failing], MACHINE)
    assert "Failed cycle, redis · docker-py, left out: run 2/3: ProbeTimeout" in text
    assert as_json([failing], MACHINE)["cases"][0]["failures"] == failing.failures
