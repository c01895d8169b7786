"""A Redis server the tests did not start (``--dockyard-redis-url``).

The client side of ``RedisContainer`` (clients, URLs, isolated databases leased in the
server) for a server given by URL. Leasing empties the database it hands out, as with a
container: point it at a server whose databases 1 to N-2 belong to tests.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import redis
from redis.exceptions import ResponseError

from dockyard.core import ConfigurationError

from ._isolation import DatabaseLeases, Isolation, isolated

__all__ = ["ExternalRedis"]

_DEFAULT_DATABASES = 16


class ExternalRedis:
    """A running server at ``redis://[[user]:password@]host:port``."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("redis", "rediss") or not parts.hostname:
            raise ConfigurationError(
                f"{url!r} is no Redis URL: write redis://host:6379 or redis://:password@host:6379"
            )
        try:
            self.port = parts.port or 6379
        except ValueError as error:
            raise ConfigurationError(f"{url!r}: {error}") from None
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password is not None else None
        self.ssl = parts.scheme == "rediss"
        self._host = parts.hostname
        self._databases: int | None = None
        self._leases = DatabaseLeases(self.get_client, self._database_count)

    def host(self) -> str:
        return self._host

    def describe(self) -> str:
        return f"the running server {self._host}:{self.port}"

    def get_connection_url(self, db: int = 0) -> str:
        auth = ""
        if self.password is not None:
            auth = f"{quote(self.username or '', safe='')}:{quote(self.password, safe='')}@"
        return f"{'rediss' if self.ssl else 'redis'}://{auth}{self._host}:{self.port}/{db}"

    def get_client(self, **kwargs: Any) -> redis.Redis:
        params: dict[str, Any] = {
            "host": self._host,
            "port": self.port,
            "username": self.username,
            "password": self.password,
            "ssl": self.ssl,
        }
        params.update(kwargs)
        return redis.Redis(**params)

    def _database_count(self) -> int:
        if self._databases is None:
            try:
                with self.get_client(decode_responses=True) as client:
                    reply = client.config_get("databases")
                self._databases = int(reply.get("databases", _DEFAULT_DATABASES))
            except ResponseError:  # CONFIG renamed or forbidden (a managed service)
                self._databases = _DEFAULT_DATABASES
        return self._databases

    @contextlib.contextmanager
    def isolated_database(self, **kwargs: Any) -> Iterator[Isolation]:
        """As ``RedisContainer.isolated_database``: a leased database, else a key prefix."""
        db = self._leases.acquire() if self._database_count() >= 3 else None
        with isolated(self.get_client, db, self._leases.release, **kwargs) as it:
            yield it

    def close(self) -> None:
        self._leases.release_all()
