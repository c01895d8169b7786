"""Snapshots and throw-away databases through PostgreSQL template databases.

``CREATE DATABASE new TEMPLATE old`` copies a whole database at file level, which
is far cheaper than replaying a schema or starting a container.  PostgreSQL
requires that nobody is connected to the template while it is copied, so the
operations here first end the other sessions on it.

All statements run on one autocommit *maintenance* connection to the
``postgres`` database (``template1`` when the container's own database is
``postgres``), kept open for the life of the container.
"""

from __future__ import annotations

import threading
import uuid
from typing import TYPE_CHECKING, Final

import sqlalchemy

from dockyard.core import DockyardError

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["DatabaseAdmin", "SnapshotError", "quote_ident"]

_MAX_IDENTIFIER_BYTES: Final = 63
_RESERVED: Final = frozenset({"postgres", "template0", "template1"})


class SnapshotError(DockyardError):
    """A snapshot, restore or fresh-database operation failed."""


def quote_ident(name: str) -> str:
    """Quote an SQL identifier (database name)."""
    if not name:
        raise SnapshotError("a database name must not be empty")
    if len(name.encode("utf-8")) > _MAX_IDENTIFIER_BYTES:
        raise SnapshotError(f"database name {name!r} is longer than {_MAX_IDENTIFIER_BYTES} bytes")
    if "\x00" in name:
        raise SnapshotError("a database name must not contain NUL")
    return '"' + name.replace('"', '""') + '"'


class DatabaseAdmin:
    """Database-level operations on one running server.

    ``url_for(dbname)`` builds a connection URL (through the published port) for
    a given database; ``dbname`` is the container's main database.
    """

    def __init__(
        self,
        url_for: Callable[[str], str],
        dbname: str,
        *,
        strategy: str | None = "FILE_COPY",
    ) -> None:
        self._url_for = url_for
        self.dbname = dbname
        self.strategy = strategy
        self.maintenance_db = "template1" if dbname == "postgres" else "postgres"
        self._engine: sqlalchemy.Engine | None = None
        self._server_version: int | None = None
        self._lock = threading.Lock()

    # -- connection -----------------------------------------------------------------

    def _get_engine(self) -> sqlalchemy.Engine:
        with self._lock:
            if self._engine is None:
                self._engine = sqlalchemy.create_engine(
                    self._url_for(self.maintenance_db),
                    isolation_level="AUTOCOMMIT",
                    pool_size=1,
                    max_overflow=4,
                    pool_pre_ping=True,
                )
            return self._engine

    def _run(self, *statements: tuple[str, dict[str, object]]) -> list[object]:
        results: list[object] = []
        with self._get_engine().connect() as connection:
            for sql, params in statements:
                result = connection.execute(sqlalchemy.text(sql), params)
                results.append(result.scalar() if result.returns_rows else None)
        return results

    def close(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None

    # -- queries --------------------------------------------------------------------

    def server_version(self) -> int:
        """``server_version_num``, e.g. 150007."""
        if self._server_version is None:
            (value,) = self._run(("SELECT current_setting('server_version_num')::int", {}))
            assert isinstance(value, int)
            self._server_version = value
        return self._server_version

    def exists(self, name: str) -> bool:
        (value,) = self._run(
            ("SELECT count(*) FROM pg_database WHERE datname = :name", {"name": name})
        )
        return bool(value)

    def databases(self) -> list[str]:
        with self._get_engine().connect() as connection:
            rows = connection.execute(
                sqlalchemy.text("SELECT datname FROM pg_database ORDER BY datname")
            )
            return [str(row[0]) for row in rows]

    # -- statements -----------------------------------------------------------------

    @staticmethod
    def _terminate(name: str) -> tuple[str, dict[str, object]]:
        return (
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = :name AND pid <> pg_backend_pid()",
            {"name": name},
        )

    def _drop(self, name: str) -> list[tuple[str, dict[str, object]]]:
        if self.server_version() >= 130000:
            return [(f"DROP DATABASE IF EXISTS {quote_ident(name)} WITH (FORCE)", {})]
        return [self._terminate(name), (f"DROP DATABASE IF EXISTS {quote_ident(name)}", {})]

    def _create(self, name: str, template: str) -> tuple[str, dict[str, object]]:
        sql = f"CREATE DATABASE {quote_ident(name)} TEMPLATE {quote_ident(template)}"
        if self.strategy and self.server_version() >= 150000:
            sql += f" STRATEGY {self.strategy}"
        return (sql, {})

    def _translate(self, action: str, error: sqlalchemy.exc.DBAPIError) -> SnapshotError:
        message = str(error.orig).strip() if error.orig is not None else str(error)
        return SnapshotError(f"{action} failed: {message}")

    @staticmethod
    def _check_name(name: str, what: str) -> None:
        quote_ident(name)
        if name in _RESERVED:
            raise SnapshotError(f"{name!r} is a system database and cannot be used as {what}")

    # -- public operations ------------------------------------------------------------

    def snapshot(self, name: str) -> None:
        """Copy the main database to template ``name`` (replacing an older one)."""
        self._check_name(name, "a snapshot name")
        if name == self.dbname:
            raise SnapshotError("a snapshot cannot have the name of the database itself")
        try:
            self._run(
                *self._drop(name),
                self._terminate(self.dbname),
                self._create(name, self.dbname),
                # Nobody should connect to a snapshot: a session on it would make the
                # next restore wait and fail.
                (f"ALTER DATABASE {quote_ident(name)} ALLOW_CONNECTIONS false", {}),
            )
        except sqlalchemy.exc.DBAPIError as error:
            raise self._translate(f"snapshot {name!r} of {self.dbname!r}", error) from error

    def restore(self, name: str) -> None:
        """Replace the main database by a copy of snapshot ``name``."""
        self._check_name(name, "a snapshot name")
        if not self.exists(name):
            raise SnapshotError(f"there is no snapshot {name!r} to restore")
        try:
            self._run(*self._drop(self.dbname), self._create(self.dbname, name))
        except sqlalchemy.exc.DBAPIError as error:
            raise self._translate(f"restore of {self.dbname!r} from {name!r}", error) from error

    def create_from_template(self, name: str | None, template: str) -> str:
        """Create database ``name`` (a unique one when None) as a copy of ``template``."""
        if name is None:
            prefix = self.dbname[:40]
            name = f"{prefix}_{uuid.uuid4().hex[:16]}"
        self._check_name(name, "a new database")
        quote_ident(template)
        try:
            self._run(self._terminate(template), self._create(name, template))
        except sqlalchemy.exc.DBAPIError as error:
            raise self._translate(f"creating {name!r} from template {template!r}", error) from error
        return name

    def drop(self, name: str) -> None:
        """Drop database ``name`` (ending its sessions); no error if it is missing."""
        self._check_name(name, "a database to drop")
        try:
            self._run(*self._drop(name))
        except sqlalchemy.exc.DBAPIError as error:
            raise self._translate(f"dropping {name!r}", error) from error
