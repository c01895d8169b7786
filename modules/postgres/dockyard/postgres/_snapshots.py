"""Snapshots and throw-away databases through PostgreSQL template databases.

``CREATE DATABASE new TEMPLATE old`` copies a whole database at file level, which
is far cheaper than replaying a schema or starting a container.  PostgreSQL
requires that nobody is connected to the template while it is copied, so the
operations here first end the other sessions on it.

All statements run through the DB-API driver on one autocommit *maintenance*
connection to the ``postgres`` database (``template1`` when the container's own
database is ``postgres``), kept open for the life of the container and opened again if
the server dropped it.
"""

from __future__ import annotations

import contextlib
import os
import threading
import uuid
from collections.abc import Callable
from typing import Any, Final

from dockyard.core import DockyardError

from . import _drivers

__all__ = ["DatabaseAdmin", "SnapshotError", "quote_ident"]

_MAX_IDENTIFIER_BYTES: Final = 63
#: How long a process waits for another to finish building the template.
TEMPLATE_TIMEOUT: Final = 60.0
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


Params = tuple[object, ...]


def unique_database_name(dbname: str) -> str:
    """A database name no other process (or test) picks: host-independent pid and random."""
    return f"{dbname[:24]}_{os.getpid()}_{uuid.uuid4().hex[:12]}"


class DatabaseAdmin:
    """Database-level operations on one running server.

    ``connect(dbname)`` opens an autocommit DB-API connection to a database of the
    server (``_drivers.connect``); ``dbname`` is the container's main database.
    """

    def __init__(
        self,
        connect: Callable[[str], Any],
        dbname: str,
        *,
        strategy: str | None = "FILE_COPY",
        driver: _drivers.Driver | None = None,
    ) -> None:
        self._connect = connect
        self._driver = driver
        self.dbname = dbname
        self.strategy = strategy
        self.maintenance_db = "template1" if dbname == "postgres" else "postgres"
        self._connection: Any = None
        self._server_version: int | None = None
        self._lock = threading.RLock()

    # -- connection -----------------------------------------------------------------

    def _cursor(self) -> Any:
        if self._connection is None:
            self._connection = self._connect(self.maintenance_db)
        return self._connection.cursor()

    def _run(self, *statements: tuple[str, Params]) -> list[object]:
        """Run statements in order on the maintenance connection; the first column of the
        first row of each (None when it returns nothing)."""
        with self._lock:
            try:
                return self._run_on_connection(statements)
            except Exception as error:
                if (
                    self._driver is None
                    or _drivers.classify(self._driver, error, lambda _: False) != "not-yet"
                ):
                    raise
                self.close()  # the server dropped the connection: open a new one once
                return self._run_on_connection(statements)

    def _run_on_connection(self, statements: tuple[tuple[str, Params], ...]) -> list[object]:
        results: list[object] = []
        cursor = self._cursor()
        try:
            for sql, params in statements:
                cursor.execute(sql, params) if params else cursor.execute(sql)
                row = cursor.fetchone() if cursor.description is not None else None
                results.append(row[0] if row else None)
        finally:
            cursor.close()
        return results

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                with contextlib.suppress(Exception):  # already broken: nothing to release
                    self._connection.close()
                self._connection = None

    # -- queries --------------------------------------------------------------------

    def server_version(self) -> int:
        """``server_version_num``, e.g. 150007."""
        if self._server_version is None:
            (value,) = self._run(("SELECT current_setting('server_version_num')::int", ()))
            assert isinstance(value, int)
            self._server_version = value
        return self._server_version

    def exists(self, name: str) -> bool:
        (value,) = self._run(("SELECT count(*) FROM pg_database WHERE datname = %s", (name,)))
        return bool(value)

    def databases(self) -> list[str]:
        with self._lock:
            cursor = self._cursor()
            try:
                cursor.execute("SELECT datname FROM pg_database ORDER BY datname")
                return [str(row[0]) for row in cursor.fetchall()]
            finally:
                cursor.close()

    # -- statements -----------------------------------------------------------------

    @staticmethod
    def _terminate(name: str) -> tuple[str, Params]:
        return (
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )

    def _drop(self, name: str) -> list[tuple[str, Params]]:
        if self.server_version() >= 130000:
            return [(f"DROP DATABASE IF EXISTS {quote_ident(name)} WITH (FORCE)", ())]
        return [self._terminate(name), (f"DROP DATABASE IF EXISTS {quote_ident(name)}", ())]

    def _create(self, name: str, template: str) -> tuple[str, Params]:
        sql = f"CREATE DATABASE {quote_ident(name)} TEMPLATE {quote_ident(template)}"
        if self.strategy and self.server_version() >= 150000:
            sql += f" STRATEGY {self.strategy}"
        return (sql, ())

    def _translate(self, action: str, error: Exception) -> SnapshotError:
        return SnapshotError(f"{action} failed: {_drivers.message(error)}")

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
                (f"ALTER DATABASE {quote_ident(name)} ALLOW_CONNECTIONS false", ()),
            )
        except DockyardError:
            raise
        except Exception as error:
            raise self._translate(f"snapshot {name!r} of {self.dbname!r}", error) from error

    def restore(self, name: str) -> None:
        """Replace the main database by a copy of snapshot ``name``."""
        self._check_name(name, "a snapshot name")
        if not self.exists(name):
            raise SnapshotError(f"there is no snapshot {name!r} to restore")
        try:
            self._run(*self._drop(self.dbname), self._create(self.dbname, name))
        except DockyardError:
            raise
        except Exception as error:
            raise self._translate(f"restore of {self.dbname!r} from {name!r}", error) from error

    # -- the template nobody connects to ------------------------------------------------

    @property
    def template(self) -> str:
        """The template every fresh database is cloned from (built once per server)."""
        return f"{self.dbname[:40]}_dockyard_template"

    def ensure_template(
        self, setup: Callable[[Any], None] | None = None, *, end_sessions: bool = False
    ) -> bool:
        """Build the template from the main database, unless a process already did.

        Processes sharing the server take turns on an advisory lock: the first builds
        (under another name, then renames it, so the template appears complete or not at
        all) while the others wait, then find it. ``setup(connection)`` (a DB-API
        connection to the template being built) adds schema or seed data. True when this
        call built it.
        """
        key = f"dockyard template {self.template}"
        building = f"{self.template[:50]}_building"
        try:
            with self._lock:
                self._run(("SELECT pg_advisory_lock(hashtext(%s))", (key,)))
                try:
                    if self.exists(self.template):
                        return False
                    if end_sessions:
                        self._run(self._terminate(self.dbname))
                    self._run(*self._drop(building), self._create(building, self.dbname))
                    if setup is not None:
                        self._setup(building, setup)
                    self._run(
                        (
                            f"ALTER DATABASE {quote_ident(building)} RENAME TO "
                            f"{quote_ident(self.template)}",
                            (),
                        ),
                        # Nobody may connect: a clone needs an idle template.
                        (
                            f"ALTER DATABASE {quote_ident(self.template)} WITH IS_TEMPLATE true "
                            "ALLOW_CONNECTIONS false",
                            (),
                        ),
                    )
                    return True
                finally:
                    self._run(("SELECT pg_advisory_unlock(hashtext(%s))", (key,)))
        except DockyardError:
            raise
        except Exception as error:
            raise self._translate(f"building the template {self.template!r}", error) from error

    def _setup(self, database: str, setup: Callable[[Any], None]) -> None:
        connection = self._connect(database)
        try:
            setup(connection)
            if not getattr(connection, "autocommit", False):
                connection.commit()
        finally:
            connection.close()

    def create_from_template(self, name: str | None, template: str) -> str:
        """Create database ``name`` (unique across processes when None) from ``template``.

        Nobody's session is ended: the template must be idle (the dedicated template and
        snapshots always are; the main database is when nobody uses it).
        """
        if name is None:
            name = unique_database_name(self.dbname)
        self._check_name(name, "a new database")
        quote_ident(template)
        try:
            self._run(self._create(name, template))
        except DockyardError:
            raise
        except Exception as error:
            hint = ""
            if "being accessed by other users" in _drivers.message(error):
                hint = (
                    f" ({template!r} has open sessions: clone the prepared template (the "
                    "default) or a snapshot() instead, which nobody connects to)"
                )
            raise self._translate(
                f"creating {name!r} from template {template!r}{hint}", error
            ) from error
        return name

    def drop(self, name: str) -> None:
        """Drop database ``name`` (ending its sessions); no error if it is missing."""
        self._check_name(name, "a database to drop")
        try:
            self._run(*self._drop(name))
        except DockyardError:
            raise
        except Exception as error:
            raise self._translate(f"dropping {name!r}", error) from error
