"""Kafka's floor: the container's start plus the broker's own start, from the engine's clock.

No library can have a broker ready before (a) the engine started the container and (b) the
broker, once running, printed "Kafka Server started". Both are read from the engine's
timestamps: ``State.StartedAt``, and the log lines from the broker's first to that one.
Whatever a cycle takes beyond the sum is the library's: a start-script hand-off before the
broker runs, and readiness checking after it started.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

__all__ = [
    "STARTED_LINE",
    "FloorError",
    "KafkaFloor",
    "kafka_floor",
    "parse_log_timestamp",
    "started_at",
]

STARTED_LINE = "Kafka Server started"


class FloorError(RuntimeError):
    """The broker's log has no start line (it did not start, or logs another way)."""


@dataclass(frozen=True)
class KafkaFloor:
    """Seconds, measured from the start call (``line``, ``container_start``) or in the log."""

    container_start: float  # start call → the engine's StartedAt
    broker_start: float  # the broker's first log line → its "Kafka Server started" line
    line: float  # start call → "Kafka Server started" (a hand-off before the broker included)

    @property
    def floor(self) -> float:
        return self.container_start + self.broker_start

    @property
    def hand_off(self) -> float:
        """The time between the container running and the broker's first line."""
        return self.line - self.floor


def parse_log_timestamp(stamp: str) -> float:
    """Epoch seconds of an engine timestamp (RFC 3339 with up to nanoseconds)."""
    date, _, fraction = stamp.rstrip("Z").partition(".")
    parsed = datetime.fromisoformat(f"{date}.{(fraction + '000000')[:6]}+00:00")
    return parsed.timestamp()


def started_at(log: str) -> tuple[float, float]:
    """(first line, start line) timestamps of a log read with ``timestamps=True``."""
    first: float | None = None
    for line in log.splitlines():
        stamp, _, text = line.partition(" ")
        if not stamp:
            continue
        moment = parse_log_timestamp(stamp)
        first = moment if first is None else first
        if STARTED_LINE in text:
            return first, moment
    raise FloorError(f"No {STARTED_LINE!r} line in the broker's log (is it Kafka 3.3 or later?)")


def kafka_floor(client: Any, container_id: str, start_call: float) -> KafkaFloor:
    """Read the engine's record of a running broker container (``client``: docker-py)."""
    log = client.api.logs(container_id, stdout=True, stderr=True, timestamps=True)
    first, started = started_at(log.decode("utf-8", errors="replace"))
    running = parse_log_timestamp(client.api.inspect_container(container_id)["State"]["StartedAt"])
    return KafkaFloor(
        container_start=running - start_call,
        broker_start=started - first,
        line=started - start_call,
    )
