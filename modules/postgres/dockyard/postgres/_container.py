"""``PostgresContainer``: a PostgreSQL server in a throw-away container."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Self
from urllib.parse import quote

from dockyard.core import (
    ConfigurationError,
    ContainerSpec,
    DockyardError,
    RunningContainer,
    ServiceContainer,
    WaitStrategy,
)

from . import _drivers
from ._access import DatabaseAccess
from ._snapshots import DatabaseAdmin
from ._unset import _UNSET, _Unset
from ._wait import PostgresReadyWaitStrategy

if TYPE_CHECKING:
    pass

__all__ = ["PostgresContainer"]

#: Where the image's entrypoint looks for init scripts.
INIT_DIR: Final = "/docker-entrypoint-initdb.d"

#: The data directory of the official image up to PostgreSQL 17 (and of the local build).
DEFAULT_PGDATA: Final = "/var/lib/postgresql/data"
#: Where the data directory lives when it is kept in memory. A path of Dockyard's own,
#: handed to the image as PGDATA: images of PostgreSQL 18+ refuse a mount at their old
#: data path, and every image of the official interface honours PGDATA.
IN_MEMORY_PGDATA: Final = "/var/lib/postgresql/dockyard-tmpfs"

#: Durability switched off for speed (a test database never survives a crash anyway).
FAST_SETTINGS: Final[dict[str, str]] = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
}

_ENV_TO_ATTRIBUTE: Final = {
    "POSTGRES_USER": "username",
    "POSTGRES_PASSWORD": "password",
    "POSTGRES_DB": "dbname",
}


def _setting_value(value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


class PostgresContainer(DatabaseAccess, ServiceContainer):
    """PostgreSQL with the official image's interface (``POSTGRES_USER`` & co.).

    >>> with PostgresContainer() as pg:                    # doctest: +SKIP
    ...     engine = pg.get_engine()

    ``username``, ``password`` and ``dbname`` default to ``$POSTGRES_USER``,
    ``$POSTGRES_PASSWORD``, ``$POSTGRES_DB`` of the test process, else ``test``.
    ``with_env("POSTGRES_PASSWORD", ...)`` and friends update them as well.

    Durability is off by default (``fsync``, ``synchronous_commit`` and
    ``full_page_writes`` are ``off``); pass ``fsync=True`` for a normal server, or
    change single settings with :meth:`with_server_setting`.

    The data directory is kept in memory by default (a tmpfs): a throwaway test server
    needs no disk, and copying template databases becomes about ten times faster there
    than on the container's overlay filesystem. ``data_in_memory=False`` keeps it on disk.
    """

    default_image = "postgres:16"
    default_port = 5432

    def __init__(
        self,
        image: str = default_image,
        port: int = default_port,
        username: str | None = None,
        password: str | None = None,
        dbname: str | None = None,
        driver: str | None = _drivers.AUTO,
        *,
        fsync: bool = False,
        data_in_memory: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(image, port, **kwargs)
        self.username: str = username or os.environ.get("POSTGRES_USER") or "test"
        self.password: str = password or os.environ.get("POSTGRES_PASSWORD") or "test"
        self.dbname: str = dbname or os.environ.get("POSTGRES_DB") or "test"
        if driver not in (None, _drivers.AUTO):
            _drivers.resolve(driver)  # an unknown name fails here, not at start()
        self.driver = driver
        #: Template copy strategy of CREATE DATABASE on PostgreSQL >= 15 (None: server default).
        self.clone_strategy: str | None = "FILE_COPY"
        self._server_settings: dict[str, str] = {} if fsync else dict(FAST_SETTINGS)
        self._init_scripts: list[Path] = []
        self._user_command = False
        self._data_in_memory = data_in_memory
        self._admin: DatabaseAdmin | None = None
        self._template_setup: Callable[[Any], None] | None = None
        # Databases this object created (fresh_database, isolated_database): dropped at stop().
        self._made: set[str] = set()

    # -- builder ------------------------------------------------------------------------

    def with_env(self, key: str, value: str | int | float | bool) -> Self:
        """Set an environment variable; ``POSTGRES_USER/PASSWORD/DB`` update the credentials.

        (core's ``with_envs`` goes through this method too.)
        """
        attribute = _ENV_TO_ATTRIBUTE.get(key)
        if attribute is not None:
            setattr(self, attribute, str(value))
            return self
        return super().with_env(key, value)

    def with_command(self, command: str | Sequence[str]) -> Self:
        """Replace the server command entirely (server settings are then not applied)."""
        self._user_command = True
        return super().with_command(command)

    def with_server_setting(self, key: str, value: object) -> Self:
        """Pass ``-c key=value`` to the server (booleans become ``on``/``off``).

        ``with_server_setting("fsync", "on")`` re-enables durability.
        """
        if not key or "=" in key or any(ch.isspace() for ch in key):
            raise ConfigurationError(f"invalid PostgreSQL setting name {key!r}")
        self._server_settings[key] = _setting_value(value)
        return self

    def with_server_settings(self, **settings: object) -> Self:
        for key, value in settings.items():
            self.with_server_setting(key, value)
        return self

    def with_init_script(self, path: str | os.PathLike[str]) -> Self:
        """Run an init script (``.sql``, ``.sql.gz``, ``.sh``, …) on the first start.

        Scripts run in the order of the calls; they are copied into
        ``/docker-entrypoint-initdb.d`` with a numbered prefix to keep that order.
        """
        script = Path(path)
        if not script.is_file():
            raise ConfigurationError(f"init script {str(script)!r} is not a file")
        self._init_scripts.append(script.resolve())
        return self

    def with_init_scripts_dir(self, directory: str | os.PathLike[str]) -> Self:
        """Add every file of ``directory`` (not recursive), sorted by name, as init scripts."""
        folder = Path(directory)
        if not folder.is_dir():
            raise ConfigurationError(f"init scripts directory {str(folder)!r} is not a directory")
        for script in sorted(p for p in folder.iterdir() if p.is_file()):
            self.with_init_script(script)
        return self

    def with_template_setup(self, setup: Callable[[Any], None]) -> Self:
        """Run ``setup(connection)`` once per server on the template fresh databases are
        cloned from (a DB-API connection to it; committed afterwards): schema, seed data.

        With a shared server, whichever process creates the server runs it (the others
        wait for it); init scripts run before it, into the main database the template is
        copied from.
        """
        if not callable(setup):
            raise ConfigurationError(f"with_template_setup() needs a callable, got {setup!r}")
        self._template_setup = setup
        return self

    def with_data_in_memory(self, enabled: bool = True) -> Self:
        """Keep the data directory on a tmpfs (the default) or, with ``False``, on disk.

        In memory, ``CREATE DATABASE … TEMPLATE`` and snapshots cost tens of milliseconds
        instead of hundreds; the data counts against the container's memory limit.
        """
        self._data_in_memory = enabled
        return self

    @property
    def server_settings(self) -> dict[str, str]:
        """The ``-c`` settings the server will be started with."""
        return dict(self._server_settings)

    @property
    def init_scripts(self) -> list[tuple[Path, str]]:
        """(host file, path in the container) of each init script, in run order."""
        return [
            (script, f"{INIT_DIR}/{index:03d}_{script.name}")
            for index, script in enumerate(self._init_scripts, start=1)
        ]

    def server_command(self) -> list[str]:
        command = ["postgres"]
        for key, value in self._server_settings.items():
            command += ["-c", f"{key}={value}"]
        return command

    # -- hooks of core -----------------------------------------------------------------

    def _configure_spec(self, spec: ContainerSpec) -> ContainerSpec:
        spec = (
            super()
            ._configure_spec(spec)
            .with_envs(
                POSTGRES_USER=self.username,
                POSTGRES_PASSWORD=self.password,
                POSTGRES_DB=self.dbname,
            )
        )
        if self._data_in_memory:
            spec = spec.with_env("PGDATA", IN_MEMORY_PGDATA).with_tmpfs(IN_MEMORY_PGDATA)
        if self.port != 5432:
            # Both the image's temporary init server and the server read PGPORT.
            spec = spec.with_env("PGPORT", str(self.port))
        if not self._user_command:
            spec = spec.with_command(self.server_command())
        for script, target in self.init_scripts:
            # Copied as bytes with an explicit mode, so the server's user can read them
            # whatever the host's owner and umask; executable shell scripts stay
            # executable (the entrypoint runs those and sources the others).
            mode = 0o755 if os.access(script, os.X_OK) else 0o644
            spec = spec.with_copy(script.read_bytes(), target, mode)
        return spec

    def _default_wait_strategy(self) -> WaitStrategy | None:
        return PostgresReadyWaitStrategy()

    def _on_ready(self, container: RunningContainer) -> None:
        super()._on_ready(container)
        if container.mode != "plain":
            # Before anyone's test connects to the main database: the template copies it.
            self.admin.ensure_template(self._template_setup)

    def stop(self, force: bool = True, delete_volume: bool = True) -> None:
        if self._admin is not None:
            if self.shared or self.reused:
                for name in sorted(self._made):
                    with contextlib.suppress(DockyardError):
                        self._admin.drop(name)
            self._admin.close()
            self._admin = None
        self._made.clear()
        super().stop(force, delete_volume)

    # -- connection helpers -----------------------------------------------------------------

    def _scheme(self, driver: str | _Unset | None) -> str:
        chosen = self.driver if isinstance(driver, _Unset) else driver
        if not chosen:
            return "postgresql"
        return f"postgresql+{_drivers.resolve(chosen).name}"

    def _url(self, driver: str | _Unset | None, host: str, port: int, dbname: str) -> str:
        user = quote(self.username, safe="")
        password = quote(self.password, safe="")
        database = quote(dbname, safe="")
        return f"{self._scheme(driver)}://{user}:{password}@{_url_host(host)}:{port}/{database}"

    def get_connection_url(
        self,
        host: str | None = None,
        driver: str | _Unset | None = _UNSET,
        *,
        dbname: str | None = None,
    ) -> str:
        """URL for the test host: ``postgresql+psycopg2://user:pw@host:port/db``.

        ``driver=None`` gives a plain ``postgresql://`` URL (for libpq, psql, …);
        ``dbname`` selects another database of the same server.
        """
        return self._url(
            driver,
            host or self.host(),
            self.mapped_port(self.port),
            dbname or self.dbname,
        )

    def get_internal_connection_url(
        self,
        alias: str | None = None,
        driver: str | _Unset | None = _UNSET,
        *,
        dbname: str | None = None,
    ) -> str:
        """URL for another container on the same network: network alias and port 5432."""
        if alias is None:
            alias = self.network_alias()
        return self._url(driver, alias, self.port, dbname or self.dbname)

    def _address(self) -> tuple[str, int]:
        return self.host(), self.mapped_port(self.port)

    # -- snapshots and throw-away databases ------------------------------------------------

    @property
    def admin(self) -> DatabaseAdmin:
        """Database-level operations (through the ``postgres`` maintenance database)."""
        if self._admin is None:
            self._admin = DatabaseAdmin(
                lambda name: self.connect(name, autocommit=True),
                self.dbname,
                strategy=self.clone_strategy,
                driver=_drivers.resolve(self.driver),
            )
        return self._admin

    def snapshot(self, name: str = "snapshot") -> None:
        """Save the current state of the database as template database ``name``.

        Other sessions on the database are terminated first (PostgreSQL needs an
        idle template); an older snapshot of the same name is replaced.
        """
        self.admin.snapshot(name)

    def restore(self, name: str = "snapshot") -> None:
        """Reset the database to snapshot ``name`` (its sessions are terminated)."""
        self.admin.restore(name)

    @property
    def template(self) -> str:
        """The template fresh databases are cloned from (nobody connects to it)."""
        return self.admin.template

    def _clone(self, name: str | None, template: str | None) -> str:
        if template is None:
            # A server of this process alone: the template copies the main database as it
            # is at the first clone (its sessions ended). A shared one built it at start.
            self.admin.ensure_template(
                self._template_setup, end_sessions=self.running.mode == "plain"
            )
        created = self.admin.create_from_template(name, template or self.admin.template)
        self._made.add(created)
        return created
