"""The benchmark's results: medians with min-max, ratios to raw docker-py, as Markdown or JSON."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from context import Case
from kafka_floor import KafkaFloor
from timing import Timing

__all__ = ["CaseRecord", "as_json", "as_markdown", "endpoint_tables"]


@dataclass
class CaseRecord:
    """Everything measured for one case: one entry per measured cycle, plus its warm-up."""

    key: str
    case: Case
    timings: list[Timing] = field(default_factory=list)
    requests: list[Counter[str]] = field(default_factory=list)
    warmup: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    @property
    def totals(self) -> list[int]:
        return [sum(counts.values()) for counts in self.requests]

    def ready(self) -> list[float]:
        return [t.ready for t in self.timings]

    def cycle(self) -> list[float]:
        return [t.cycle for t in self.timings]

    def kafka(self) -> list[KafkaFloor]:
        return [t.kafka for t in self.timings if t.kafka is not None]

    def floor(self) -> list[float]:
        return [k.floor for k in self.kafka()]

    def hand_off(self) -> list[float]:
        return [k.hand_off for k in self.kafka()]

    def session_requests(self) -> int:
        """What the warm-up cycle asked beyond a measured one.

        For the session's first cycle that is the session's one-time cost; it is exact only
        where a case's count does not depend on how long its service takes to start.
        """
        if not self.totals or not self.warmup:
            return 0
        return sum(self.warmup.values()) - int(statistics.median(self.totals))


def _spread(values: Sequence[float], digits: int = 2) -> str:
    if not values:
        return "—"
    median = statistics.median(values)
    if min(values) == max(values):
        return f"{median:.{digits}f}" if digits else f"{median:g}"
    if digits == 0:
        return f"{median:g} ({min(values):g}-{max(values):g})"
    return f"{median:.{digits}f} ({min(values):.{digits}f}-{max(values):.{digits}f})"


def _ratio(mine: Sequence[float], theirs: Sequence[float]) -> str:
    if not mine or not theirs:
        return "—"
    return f"{statistics.median(mine) / statistics.median(theirs):.2f}x"


def _raw_of(records: Sequence[CaseRecord], record: CaseRecord) -> CaseRecord | None:
    """The raw docker-py record a Dockyard record is compared with (same service)."""
    if record.case.side != "dockyard":
        return None
    return next((r for r in records if r.key == f"raw:{record.case.service}"), None)


def as_markdown(records: Sequence[CaseRecord], machine: dict[str, Any]) -> str:
    lines = [
        f"{machine['runs']} interleaved runs after one warm-up round; median (min-max). "
        f"{machine['cpus']} CPUs, load average {machine['load_before']} before and "
        f"{machine['load_after']} after; Docker {machine['engine']}, Python {machine['python']}, "
        f"docker-py {machine['docker_py']}.",
        "",
        "| case | side | time to ready, s | ready vs raw | cycle, s | cycle vs raw "
        "| API requests / cycle | Kafka floor, s | ready vs floor | hand-off, s |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for record in records:
        raw = _raw_of(records, record)
        floor = record.floor()
        lines.append(
            f"| {record.case.service} | {record.case.side} | {_spread(record.ready())} "
            f"| {_ratio(record.ready(), raw.ready()) if raw else '—'} "
            f"| {_spread(record.cycle())} "
            f"| {_ratio(record.cycle(), raw.cycle()) if raw else '—'} "
            f"| {_spread(record.totals, 0)} | {_spread(floor)} "
            f"| {_ratio(record.ready(), floor) if floor else '—'} | {_spread(record.hand_off())} |"
        )
    first = next((r for r in records if r.case.side == "dockyard"), None)
    if first is not None:
        lines += [
            "",
            f"Once per session: {first.session_requests()} requests (Dockyard's client and "
            f"reaper: the first Dockyard warm-up cycle, {first.case.name}, beyond that case's "
            "median). docker-py's client is made before the first cycle, outside the counts.",
        ]
    for record in records:
        for failure in record.failures:
            lines += ["", f"Failed cycle, {record.case.name}, left out: {failure.splitlines()[0]}"]
    lines += [
        "",
        "Kafka floor: the container's start (start call to the engine's StartedAt) plus the "
        'broker\'s own start (its first log line to "Kafka Server started"), both from the '
        "engine's timestamps. Hand-off: from the container running to the broker's first line "
        "(the wait for the start script that carries the host port).",
    ]
    return "\n".join(lines)


def endpoint_tables(records: Sequence[CaseRecord]) -> str:
    """Per case, each endpoint's requests per cycle (median, min-max), and the warm-up's."""
    parts = []
    for record in records:
        endpoints = sorted(set().union(*record.requests, record.warmup))
        parts += [
            f"### {record.case.name}",
            "",
            "| endpoint | per cycle | warm-up cycle |",
            "| --- | ---: | ---: |",
        ]
        for endpoint in endpoints:
            per_cycle = [counts.get(endpoint, 0) for counts in record.requests]
            parts.append(f"| `{endpoint}` | {_spread(per_cycle, 0)} | {record.warmup[endpoint]} |")
        parts.append("")
    return "\n".join(parts)


def as_json(records: Sequence[CaseRecord], machine: dict[str, Any]) -> dict[str, Any]:
    return {
        "machine": machine,
        "cases": [
            {
                "key": record.key,
                "service": record.case.service,
                "side": record.case.side,
                "ready_s": record.ready(),
                "cycle_s": record.cycle(),
                "kafka_floor": [asdict(k) | {"floor": k.floor} for k in record.kafka()] or None,
                "requests": record.totals,
                "endpoints": [dict(sorted(counts.items())) for counts in record.requests],
                "warmup_endpoints": dict(sorted(record.warmup.items())),
                "session_requests": record.session_requests(),
                "failures": record.failures,
            }
            for record in records
        ],
    }
