"""Peers on a shared network reach Redis by alias and internal port (redis-cli)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from image_manifest import local_image

from dockyard.core import ConfigurationError, DockerContainer, Network
from dockyard.redis import RedisContainer

from conftest import PASSWORD

CLIENT_IMAGE = local_image("client")


@pytest.fixture(scope="module")
def network() -> Iterator[Network]:
    with Network() as net:
        yield net


@pytest.fixture(scope="module")
def cache(network: Network) -> Iterator[RedisContainer]:
    with RedisContainer().with_network(network).with_network_aliases("cache") as server:
        yield server


@pytest.fixture(scope="module")
def secure_cache(network: Network) -> Iterator[RedisContainer]:
    container = (
        RedisContainer(password=PASSWORD)
        .with_network(network)
        .with_network_aliases("secure-cache", "sessions")
    )
    with container:
        yield container


@pytest.fixture(scope="module")
def client(network: Network) -> Iterator[DockerContainer]:
    """A long-running client container; the tests exec redis-cli in it."""
    container = (
        DockerContainer(CLIENT_IMAGE).with_command(["sleep", "infinity"]).with_network(network)
    )
    with container:
        yield container


def redis_cli(client: DockerContainer, *args: str) -> str:
    result = client.exec(["redis-cli", *args])
    output = result.output.decode().strip()
    assert result.exit_code == 0, output
    return output


def test_ping_by_alias(cache: RedisContainer, client: DockerContainer) -> None:
    assert redis_cli(client, "-h", "cache", "-p", "6379", "ping") == "PONG"


def test_ping_by_alias_with_password(secure_cache: RedisContainer, client: DockerContainer) -> None:
    assert (
        redis_cli(client, "-h", "secure-cache", "-a", PASSWORD, "--no-auth-warning", "ping")
        == "PONG"
    )
    # without the password the server says NOAUTH
    assert "NOAUTH" in redis_cli(client, "-h", "secure-cache", "ping")


def cli_args_from_url(url: str) -> list[str]:
    """redis-cli options for a redis:// URL, decoded the way redis-py decodes it.

    (redis-cli 7.0's own ``-u`` sends the empty user of ``redis://:pw@`` as a username.)
    """
    parts = redis.connection.parse_url(url)
    args = ["-h", parts["host"], "-p", str(parts["port"]), "-n", str(parts.get("db", 0))]
    if parts.get("password") is not None:
        args += ["-a", parts["password"], "--no-auth-warning"]
    return args


def test_internal_url_works_from_a_peer(
    secure_cache: RedisContainer, client: DockerContainer
) -> None:
    url = secure_cache.get_internal_connection_url()
    assert url.startswith("redis://:") and url.endswith("@secure-cache:6379/0")
    assert redis.connection.parse_url(url)["password"] == PASSWORD
    assert redis_cli(client, *cli_args_from_url(url), "ping") == "PONG"
    other = secure_cache.get_internal_connection_url(alias="sessions", db=1)
    assert other.endswith("@sessions:6379/1")
    assert redis_cli(client, *cli_args_from_url(other), "set", "via", "sessions") == "OK"
    with secure_cache.get_client(db=1, decode_responses=True) as host_client:
        assert host_client.get("via") == "sessions"


def test_internal_url_without_password(cache: RedisContainer) -> None:
    assert cache.get_internal_connection_url() == "redis://cache:6379/0"


def test_data_is_shared_between_host_and_peer(
    cache: RedisContainer, client: DockerContainer
) -> None:
    cache.get_client().set("from-host", "hello")
    assert redis_cli(client, "-h", "cache", "get", "from-host") == "hello"


def test_internal_url_needs_an_alias() -> None:
    with pytest.raises(ConfigurationError):
        RedisContainer().get_internal_connection_url()
