"""The Redis container: server settings, clients, URLs and per-test isolation."""

from __future__ import annotations

import threading
from os import PathLike
from pathlib import Path
from typing import Any, Self
from urllib.parse import quote

import redis
import redis.asyncio
from redis.exceptions import ResponseError

from dockyard.core import ConfigurationError, ContainerSpec, ServiceContainer, WaitStrategy

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
        super().__init__(image, port, **kwargs)
        self.password = password
        self._server_args: list[str] = []
        self._config_file: Path | None = None
        self._db_lock = threading.Lock()
        self._last_db = 0
        self._databases: int | None = None

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

    def stop(self) -> None:
        super().stop()
        with self._db_lock:  # a restarted server may have another "databases" setting
            self._databases = None
            self._last_db = 0

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
        """Hand out a logical database, emptied, for one test.

        Indexes go round-robin over ``1 .. databases-1`` (``1..15`` by default);
        database 0 stays for code that does not choose one. Thread-safe.
        """
        databases = self._database_count()
        with self._db_lock:
            self._last_db = self._last_db % (databases - 1) + 1
            db = self._last_db
        with self.get_client(db=db) as client:
            client.flushdb()
        return db

    def isolated_client(self, **kwargs: Any) -> redis.Redis:
        """A ``redis.Redis`` bound to a fresh, empty database from ``next_database``."""
        return self.get_client(**{**kwargs, "db": self.next_database()})

    def _database_count(self) -> int:
        if self._databases is None:
            try:
                with self.get_client(decode_responses=True) as client:
                    reply = client.config_get("databases")
                count = int(reply.get("databases", _DEFAULT_DATABASES))
            except ResponseError:  # CONFIG renamed or forbidden: assume the default
                count = _DEFAULT_DATABASES
            if count < 2:
                raise ConfigurationError(
                    f"Redis runs with 'databases {count}': next_database() needs at "
                    "least 2; use flush() for isolation instead"
                )
            self._databases = count
        return self._databases
