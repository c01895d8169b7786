"""The Redis container: server settings, clients, URLs and per-test isolation."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from os import PathLike
from pathlib import Path
from typing import Any, Self
from urllib.parse import quote

import redis
import redis.asyncio
from redis.exceptions import ResponseError

from dockyard.core import ConfigurationError, ContainerSpec, ServiceContainer, WaitStrategy

from ._isolation import (
    DatabaseLeases,
    Isolation,
    RedisIsolationError,
    isolated,
)
from ._wait import RedisPingWaitStrategy

__all__ = ["CONFIG_FILE_PATH", "RedisContainer"]

#: Where ``with_config_file`` puts the file inside the container.
CONFIG_FILE_PATH = "/usr/local/etc/redis/redis.conf"

_DEFAULT_DATABASES = 16


class RedisContainer(ServiceContainer):
    """A Redis server in a container, ready when it answers ``PING``.

    ``image`` defaults to the upstream ``redis:7``; ``port`` is the port the
    server listens on inside the container; ``password`` sets ``requirepass``
    and is what every client made here sends.

    The server runs ``redis-server [CONFIG_FILE] --port PORT
    --protected-mode no [--requirepass PASSWORD] [SERVER ARGS...]``; later
    arguments win over earlier ones and over the config file.
    """

    default_image = "redis:7"
    default_port = 6379

    def __init__(
        self,
        image: str = default_image,
        port: int = default_port,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if kwargs.pop("port_to_expose", None):
            raise ConfigurationError("Use `port` instead of `port_to_expose`.")
        super().__init__(image, port, **kwargs)
        self.password = password
        self._server_args: list[str] = []
        self._config_file: Path | None = None
        self._db_lock = threading.Lock()
        self._databases: int | None = None
        self._leases = DatabaseLeases(self.get_client, self._database_count)

    # -- builder ---------------------------------------------------------
    def with_server_args(self, *args: str) -> Self:
        """Append arguments to ``redis-server``, e.g. ``("--maxmemory", "10mb")``."""
        self._server_args.extend(str(arg) for arg in args)
        return self

    def with_config_file(self, path: str | PathLike[str]) -> Self:
        """Copy a ``redis.conf`` into the container and start the server with it.

        The file becomes the first ``redis-server`` argument; ``--port``,
        ``--protected-mode no``, ``--requirepass`` and the server args follow it
        and therefore override the same directives in the file.
        """
        config = Path(path)
        if not config.is_file():
            raise ConfigurationError(f"Redis config file not found: {config}")
        self._config_file = config
        return self

    def server_command(self) -> list[str]:
        """The ``redis-server`` command line the container runs."""
        command = ["redis-server"]
        if self._config_file is not None:
            command.append(CONFIG_FILE_PATH)
        command += ["--port", str(self.port), "--protected-mode", "no"]
        if self.password is not None:
            command += ["--requirepass", self.password]
        command += self._server_args
        return command

    # -- core hooks ------------------------------------------------------
    def _configure_spec(self, spec: ContainerSpec) -> ContainerSpec:
        spec = super()._configure_spec(spec)
        if self._config_file is not None:
            # As bytes with mode 0644: the upstream image runs redis-server as user "redis".
            spec = spec.with_copy(self._config_file.read_bytes(), CONFIG_FILE_PATH, 0o644)
        return spec.with_command(self.server_command())

    def _default_wait_strategy(self) -> WaitStrategy | None:
        return RedisPingWaitStrategy(port=self.port, password=self.password)

    def stop(self, force: bool = True, delete_volume: bool = True) -> None:
        if self.started:
            self._leases.release_all()
        super().stop(force, delete_volume)
        with self._db_lock:  # a restarted server may have another "databases" setting
            self._databases = None

    # -- connection details ----------------------------------------------
    def get_connection_url(self, db: int = 0) -> str:
        """``redis://[:password@]host:port/db`` for clients on the test host."""
        return self._url(self.host(), self.mapped_port(self.port), db)

    def get_internal_connection_url(self, alias: str | None = None, db: int = 0) -> str:
        """The URL for containers on a shared network: network alias and internal port.

        Without ``alias`` the container's first network alias is used; a
        container without one raises ``ConfigurationError``.
        """
        if alias is None:
            alias = self.network_alias()
        return self._url(alias, self.port, db)

    def _url(self, host: str, port: int, db: int) -> str:
        auth = f":{quote(self.password, safe='')}@" if self.password is not None else ""
        return f"redis://{auth}{host}:{port}/{db}"

    # -- clients -----------------------------------------------------------
    def _client_params(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        params: dict[str, Any] = {
            "host": self.host(),
            "port": self.mapped_port(self.port),
            "password": self.password,
        }
        params.update(kwargs)
        return params

    def get_client(self, **kwargs: Any) -> redis.Redis:
        """A ``redis.Redis`` for this server; ``kwargs`` (``db``, ``decode_responses``,
        …) are passed through and override host, port and password."""
        return redis.Redis(**self._client_params(kwargs))

    def get_async_client(self, **kwargs: Any) -> redis.asyncio.Redis:
        """A ``redis.asyncio.Redis`` for this server, like ``get_client``."""
        return redis.asyncio.Redis(**self._client_params(kwargs))

    # -- per-test isolation ------------------------------------------------
    def flush(self) -> None:
        """Empty every database (``FLUSHALL``): call between tests sharing the server."""
        with self.get_client() as client:
            client.flushall()

    def next_database(self) -> int:
        """Lease a logical database, emptied, for one test: no other process or test gets
        it until ``release_database(db)`` or ``stop()`` (a holder that dies loses it after
        30 s). Database 0 stays for code that does not choose one, the last database
        holds the leases.

        Raises RedisIsolationError when every database is leased; ``isolated_database()``
        then falls back to key prefixes instead.
        """
        db = self._leases.acquire()
        if db is None:
            raise RedisIsolationError(
                f"All {self._database_count() - 2} databases of this Redis are leased to tests. "
                "Release them (release_database(db), or leave isolated_database() blocks), "
                "start the server with more (with_server_args('--databases', '64')), or use "
                "isolated_database(), which falls back to key prefixes."
            )
        return db

    def release_database(self, db: int) -> None:
        """Give a database from ``next_database()`` back (its keys stay until the next lease)."""
        self._leases.release(db)

    def isolated_client(self, **kwargs: Any) -> redis.Redis:
        """A ``redis.Redis`` bound to a fresh, empty database from ``next_database``
        (leased until ``stop()``)."""
        return self.get_client(**{**kwargs, "db": self.next_database()})

    @contextlib.contextmanager
    def isolated_database(self, **kwargs: Any) -> Iterator[Isolation]:
        """A database of the test's own for the ``with`` block (a key prefix in database 0
        when every database is leased); released and emptied of the test's keys after."""
        with isolated(
            self.get_client, self._leases.acquire(), self._leases.release, **kwargs
        ) as it:
            yield it

    def _database_count(self) -> int:
        if self._databases is None:
            try:
                with self.get_client(decode_responses=True) as client:
                    reply = client.config_get("databases")
                count = int(reply.get("databases", _DEFAULT_DATABASES))
            except ResponseError:  # CONFIG renamed or forbidden: assume the default
                count = _DEFAULT_DATABASES
            if count < 3:
                raise ConfigurationError(
                    f"Redis runs with 'databases {count}': next_database() needs at "
                    "least 3 (0 stays yours, the last holds the leases); use flush() or "
                    "isolated_database() (key prefixes) instead"
                )
            self._databases = count
        return self._databases


class AsyncRedisContainer(RedisContainer):
    """testcontainers-python's asyncio flavour: ``await get_async_client()``.

    ``port_to_expose`` is its name for ``port``.
    """

    def __init__(
        self,
        image: str = RedisContainer.default_image,
        port_to_expose: int = RedisContainer.default_port,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(image, port_to_expose, password, **kwargs)

    async def get_async_client(self, **kwargs: Any) -> redis.asyncio.Redis:  # type: ignore[override]
        """A ``redis.asyncio.Redis`` for this server (awaited, as upstream)."""
        return super().get_async_client(**kwargs)
