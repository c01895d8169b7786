"""Kafka's floor is read from the engine's timestamps; these are their formats."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from kafka_floor import FloorError, KafkaFloor, parse_log_timestamp, started_at

LOG = (
    "2026-12-01T09:56:48.700000000Z ===> server.properties (/opt/kafka/config/server.properties)\n"
    "2026-12-01T09:56:49.100000000Z [2026-12-01 09:56:49,100] INFO Formatting storage\n"
    "2026-12-01T09:56:50.873680527Z [2026-12-01 09:56:50,873] INFO [KafkaRaftServer nodeId=1] "
    "Kafka Server started (kafka.server.KafkaRaftServer)\n"
)


def test_parses_nanosecond_timestamps_in_utc() -> None:
    expected = datetime(2026, 12, 1, 9, 56, 50, 873680, tzinfo=UTC).timestamp()
    assert parse_log_timestamp("2026-12-01T09:56:50.873680527Z") == pytest.approx(expected)
    assert parse_log_timestamp("2026-12-01T09:56:50Z") == pytest.approx(expected - 0.873680)


def test_finds_the_first_line_and_the_start_line() -> None:
    first, started = started_at(LOG)
    assert started - first == pytest.approx(2.173680, abs=1e-6)


def test_a_log_without_the_start_line_says_so() -> None:
    with pytest.raises(FloorError, match="Kafka Server started"):
        started_at(LOG.splitlines()[0])


def test_the_floor_leaves_out_the_hand_off() -> None:
    floor = KafkaFloor(container_start=0.3, broker_start=1.7, line=2.6)
    assert floor.floor == pytest.approx(2.0)
    assert floor.hand_off == pytest.approx(0.6)
