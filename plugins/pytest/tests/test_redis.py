"""Redis's fixtures: a database per test on one server, the factory, a running server."""

from __future__ import annotations

import pytest
from conftest import RunPytest

from dockyard.redis import RedisContainer

TESTS = """
import pytest

SEEN = []

@pytest.mark.parametrize("who", ["first", "second", "third"])
def test_own_database(who, dockyard_redis_client, dockyard_redis_isolation):
    assert dockyard_redis_client is dockyard_redis_isolation.client
    assert dockyard_redis_client.dbsize() == 0          # emptied when leased
    dockyard_redis_client.set(dockyard_redis_isolation.key("who"), who)
    assert dockyard_redis_client.get(dockyard_redis_isolation.key("who")) == who.encode()
    SEEN.append(dockyard_redis_isolation.db)
    assert dockyard_redis_isolation.db != 0
"""


def test_each_test_gets_a_database_of_its_own(
    pytester: pytest.Pytester, inner: RunPytest, label: str
) -> None:
    pytester.makepyfile(TESTS)
    inner("--dockyard-label", label).assert_outcomes(passed=3)


def test_the_factory_starts_servers_of_other_settings(
    pytester: pytest.Pytester, inner: RunPytest, label: str
) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.fixture(scope="session")
        def dockyard_redis(dockyard_redis_factory):       # the session server, overridden
            return dockyard_redis_factory(password="s3cret", server_args=["--databases", "32"])

        def test_settings(dockyard_redis, dockyard_redis_client):
            assert dockyard_redis.password == "s3cret"
            assert dockyard_redis_client.config_get("databases") == {"databases": "32"}
        """
    )
    inner("--dockyard-label", label).assert_outcomes(passed=1)


def test_a_running_server_is_used_without_an_engine(
    pytester: pytest.Pytester, inner: RunPytest, monkeypatch: pytest.MonkeyPatch, closed_port: int
) -> None:
    with RedisContainer(password="pw:/@") as server:
        url = server.get_connection_url()
        monkeypatch.setenv("DOCKER_HOST", f"tcp://127.0.0.1:{closed_port}")
        pytester.makepyfile(
            TESTS
            + """
def test_kind(dockyard_redis):
    from dockyard.redis._external import ExternalRedis
    assert isinstance(dockyard_redis, ExternalRedis)
"""
        )
        inner("--dockyard-redis-url", url).assert_outcomes(passed=4)
        with server.get_client(db=15) as client:  # every lease given back
            assert not client.keys("dockyard:db-lease:*")
