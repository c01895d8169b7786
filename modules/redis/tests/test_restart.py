"""start → stop → start, a config file included."""

from __future__ import annotations

from pathlib import Path

from dockyard.redis import RedisContainer


def test_start_stop_start_with_a_config_file_changed_between(tmp_path: Path) -> None:
    first = tmp_path / "first.conf"
    first.write_text("maxmemory 10mb\n")
    redis = RedisContainer().with_config_file(first)
    with redis:
        assert redis.get_client().config_get("maxmemory")["maxmemory"] == "10485760"
    second = tmp_path / "second.conf"
    second.write_text("maxmemory 20mb\n")
    redis.with_config_file(second)  # allowed again once stopped
    with redis:
        assert redis.get_client().config_get("maxmemory")["maxmemory"] == "20971520"
        assert redis.get_client().ping()
