"""What tests reach a PostgreSQL server through, one contract for a container and a server
given by URL: DB-API connections, a SQLAlchemy engine, and databases copied from a template.

A class mixing this in provides ``_address()`` (where this process reaches the server), the
credentials, ``admin`` (its ``DatabaseAdmin``), ``_made`` (the names of the databases it
created, dropped when it is done), ``_clone`` (creating one copy) and
``get_connection_url``; this adds the public operations on top of them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from dockyard.core import ConfigurationError

from . import _drivers
from ._snapshots import DatabaseAdmin
from ._unset import _UNSET, _Unset

if TYPE_CHECKING:
    import sqlalchemy

__all__ = ["DatabaseAccess"]


class DatabaseAccess:
    if TYPE_CHECKING:  # what the class mixing this in provides
        _made: set[str]
        driver: str | None
        username: str
        password: str
        dbname: str

        def _address(self) -> tuple[str, int]:
            """Host and port this process reaches the server at."""
            ...

        @property
        def admin(self) -> DatabaseAdmin: ...

        def _clone(self, name: str | None, template: str | None) -> str: ...

        def get_connection_url(
            self,
            host: str | None = None,
            driver: str | _Unset | None = _UNSET,
            *,
            dbname: str | None = None,
        ) -> str: ...

    def get_engine(self, driver: str | _Unset | None = _UNSET, **kwargs: Any) -> sqlalchemy.Engine:
        """A SQLAlchemy engine for the server's database (``kwargs`` go to create_engine)."""
        try:
            import sqlalchemy
        except ModuleNotFoundError as exc:
            raise ConfigurationError(
                "get_engine() needs SQLAlchemy: `pip install 'dockyard-postgres[sqlalchemy]'`, "
                "or connect with your driver and get_connection_url(driver=None)."
            ) from exc
        return sqlalchemy.create_engine(self.get_connection_url(driver=driver), **kwargs)

    def connect(self, dbname: str | None = None, *, autocommit: bool = False) -> Any:
        """A DB-API connection of the server's driver (psycopg2, psycopg or pg8000)."""
        host, port = self._address()
        return _drivers.connect(
            _drivers.resolve(self.driver),
            host=host,
            port=port,
            user=self.username,
            password=self.password,
            dbname=dbname or self.dbname,
            timeout=10,
            autocommit=autocommit,
        )

    def fresh_database(
        self,
        name: str | None = None,
        *,
        template: str | None = None,
        driver: str | _Unset | None = _UNSET,
    ) -> str:
        """Create a new database and return its URL.

        It is a copy of the prepared template (the main database after the init scripts and
        ``with_template_setup``), or of ``template`` (a snapshot name). Nobody's session is
        ended, so other processes sharing the server are safe. ``name`` defaults to a name
        unique across processes; the database is dropped at ``stop()`` (with the server, if
        this process owns it).
        """
        return self.get_connection_url(driver=driver, dbname=self._clone(name, template))

    def drop_database(self, name: str) -> None:
        """Drop a database (terminating its sessions); no error when it does not exist."""
        self.admin.drop(name)
        self._made.discard(name)

    @contextlib.contextmanager
    def isolated_database(
        self,
        *,
        template: str | None = None,
        driver: str | _Unset | None = _UNSET,
    ) -> Iterator[str]:
        """Context manager: a fresh database (see :meth:`fresh_database`), dropped on exit."""
        created = self._clone(None, template)
        try:
            yield self.get_connection_url(driver=driver, dbname=created)
        finally:
            self.drop_database(created)
