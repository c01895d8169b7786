"""The pytest fixtures of dockyard-redis, registered by dockyard-pytest.

Found through this distribution's entry point (group ``dockyard.pytest``). One server per
session, shared by every xdist worker and process on the engine; each test gets a logical
database leased in the server itself, so no other test in any process sees its keys.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

import pytest
import redis

from dockyard.pytest import DockyardRun, add_service_options

from ._container import RedisContainer
from ._external import ExternalRedis
from ._isolation import Isolation

__all__ = [
    "RedisFactory",
    "dockyard_redis",
    "dockyard_redis_client",
    "dockyard_redis_factory",
    "dockyard_redis_isolation",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    add_service_options(parser, "redis", example="redis://localhost:6379")


class RedisFactory(Protocol):
    """``dockyard_redis_factory(...)``: a started server of these settings."""

    def __call__(
        self,
        image: str | None = None,
        *,
        password: str | None = None,
        server_args: Sequence[str] = (),
        config_file: str | Path | None = None,
        configure: Callable[[RedisContainer], RedisContainer] | None = None,
    ) -> RedisContainer: ...


def _reach(container: RedisContainer) -> str:
    return container.get_connection_url()


@pytest.fixture(scope="session")
def dockyard_redis_factory(dockyard: DockyardRun, request: pytest.FixtureRequest) -> RedisFactory:
    """Start Redis servers of your own settings for the session:
    ``dockyard_redis_factory(image=…, password=…, server_args=[…], config_file=…,
    configure=fn)``; shared like the default one."""

    def make(
        image: str | None = None,
        *,
        password: str | None = None,
        server_args: Sequence[str] = (),
        config_file: str | Path | None = None,
        configure: Callable[[RedisContainer], RedisContainer] | None = None,
    ) -> RedisContainer:
        container = RedisContainer(
            image or dockyard.image("redis", RedisContainer.default_image), password=password
        )
        container.with_server_args(*server_args)
        if config_file is not None:
            container.with_config_file(config_file)
        if configure is not None:
            container = configure(container)
        return dockyard.start(dockyard.share(container), request, reach=_reach)

    return make


@pytest.fixture(scope="session")
def dockyard_redis(
    dockyard: DockyardRun, dockyard_redis_factory: RedisFactory
) -> Iterator[RedisContainer | ExternalRedis]:
    """The session's Redis server: a ``RedisContainer`` shared by every xdist worker and
    process on the engine, or, with --dockyard-redis-url, an ``ExternalRedis`` on that
    server (same client and isolation methods)."""
    url = dockyard.service_url("redis")
    if url is None:
        yield dockyard_redis_factory()
        return
    server = ExternalRedis(url)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def dockyard_redis_isolation(
    dockyard: DockyardRun,
    dockyard_redis: RedisContainer | ExternalRedis,
    request: pytest.FixtureRequest,
) -> Iterator[Isolation]:
    """This test's own part of the server: ``.client`` on ``.db``, a database no other test
    or process uses meanwhile (emptied first); ``.key(name)`` names keys (a prefix in
    database 0 only when every database is leased)."""
    with dockyard_redis.isolated_database() as isolation:
        yield isolation
        if dockyard.keep(request.node):
            dockyard.note_kept(
                f"redis database {isolation.db} (prefix {isolation.prefix!r}) of "
                f"{request.node.nodeid}: {dockyard_redis.get_connection_url(isolation.db)} "
                "(its keys stay until the database is leased again)"
            )


@pytest.fixture
def dockyard_redis_client(dockyard_redis_isolation: Isolation) -> redis.Redis:
    """A ``redis.Redis`` on this test's own database (see dockyard_redis_isolation)."""
    return dockyard_redis_isolation.client
