"""A config file and extra server arguments are honoured; a bad argument fails fast."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from dockyard.core import ConfigurationError, ContainerStartupError
from dockyard.redis import CONFIG_FILE_PATH, RedisContainer, RedisIsolationError

from conftest import DATA_DIR


@pytest.fixture(scope="module")
def configured() -> Iterator[RedisContainer]:
    container = (
        RedisContainer()
        .with_config_file(DATA_DIR / "redis.conf")
        .with_server_args("--maxmemory", "10mb")
        .with_server_args("--maxmemory-samples", "7")
    )
    with container:
        yield container


def test_command_line_shape() -> None:
    container = (
        RedisContainer(port=6380, password="pw")
        .with_config_file(DATA_DIR / "redis.conf")
        .with_server_args("--appendonly", "yes")
    )
    assert container.server_command() == [
        "redis-server",
        CONFIG_FILE_PATH,
        "--port",
        "6380",
        "--protected-mode",
        "no",
        "--requirepass",
        "pw",
        "--appendonly",
        "yes",
    ]


def test_missing_config_file_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError):
        RedisContainer().with_config_file(DATA_DIR / "no-such.conf")


def test_config_file_is_honoured(configured: RedisContainer) -> None:
    client = configured.get_client(decode_responses=True)
    assert client.config_get("maxmemory-policy") == {"maxmemory-policy": "allkeys-lru"}
    assert client.config_get("databases") == {"databases": "4"}
    assert client.config_get("hz") == {"hz": "25"}
    assert client.config_get("notify-keyspace-events") == {"notify-keyspace-events": "xE"}
    assert client.info("server")["config_file"] == CONFIG_FILE_PATH


def test_our_port_wins_over_the_file(configured: RedisContainer) -> None:
    client = configured.get_client(decode_responses=True)
    assert client.config_get("port") == {"port": "6379"}


def test_server_args_are_honoured(configured: RedisContainer) -> None:
    client = configured.get_client(decode_responses=True)
    assert client.config_get("maxmemory") == {"maxmemory": str(10 * 1024 * 1024)}
    assert client.config_get("maxmemory-samples") == {"maxmemory-samples": "7"}


def test_next_database_follows_configured_count(configured: RedisContainer) -> None:
    # "databases 4" in the file: 0 stays the user's, 3 holds the leases, 1 and 2 go to tests.
    handed = [configured.next_database() for _ in range(2)]
    assert sorted(handed) == [1, 2]
    with pytest.raises(RedisIsolationError, match="All 2 databases"):
        configured.next_database()
    for db in handed:
        configured.release_database(db)


def test_server_args_on_a_custom_port() -> None:
    with RedisContainer(port=6390).with_server_args("--maxmemory", "5mb") as server:
        client = server.get_client(decode_responses=True)
        assert client.config_get("port") == {"port": "6390"}
        assert client.config_get("maxmemory") == {"maxmemory": str(5 * 1024 * 1024)}


def test_crashing_server_fails_fast_with_logs() -> None:
    container = RedisContainer().with_server_args("--no-such-option", "1")
    started = time.monotonic()
    try:
        with pytest.raises(ContainerStartupError) as caught:
            container.with_startup_timeout(90).start()
    finally:
        container.stop()
    elapsed = time.monotonic() - started
    assert elapsed < 20, f"took {elapsed:.1f}s: the crash was not noticed at once"
    message = str(caught.value)
    assert "no-such-option" in message  # redis-server's FATAL CONFIG error line
