"""A PostgreSQL server the tests did not start (``--dockyard-postgres-url``).

It offers the connection side of ``PostgresContainer`` (URLs, engines, DB-API
connections, fresh and isolated databases cloned from a template) for a server given by
URL, so the pytest fixtures work the same against a CI service or a developer's server.
The server outlives the run, and so does the template: its name carries a digest of the
template setup, so a changed setup builds a new one instead of reusing a stale one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlsplit

from dockyard.core import ConfigurationError

from . import _drivers
from ._access import DatabaseAccess
from ._container import _url_host
from ._snapshots import DatabaseAdmin
from ._unset import _UNSET, _Unset

if TYPE_CHECKING:
    pass

__all__ = ["ExternalPostgres"]

_SCHEMES = ("postgresql", "postgres")


class _ExternalAdmin(DatabaseAdmin):
    def __init__(self, *args: Any, setup_digest: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._setup_digest = setup_digest

    @property
    def template(self) -> str:
        return f"{self.dbname[:30]}_dockyard_{self._setup_digest[:12]}"


class ExternalPostgres(DatabaseAccess):
    """A running server at ``postgresql[+driver]://user:password@host:port/dbname``."""

    def __init__(
        self,
        url: str,
        *,
        template_setup: Callable[[Any], None] | None = None,
        setup_digest: str = "",
    ) -> None:
        parts = urlsplit(url)
        base, _, driver = parts.scheme.partition("+")
        if base not in _SCHEMES or not parts.hostname:
            raise ConfigurationError(
                f"{url!r} is no PostgreSQL URL: write "
                "postgresql://user:password@host:5432/dbname (optionally postgresql+psycopg2://…)"
            )
        try:
            self.port = parts.port or 5432
        except ValueError as error:
            raise ConfigurationError(f"{url!r}: {error}") from None
        self.username = unquote(parts.username or "postgres")
        self.password = unquote(parts.password or "")
        self.dbname = unquote(parts.path.lstrip("/")) or "postgres"
        self.driver: str | None = driver or _drivers.AUTO
        _drivers.resolve(self.driver)  # a driver that is not installed fails here
        self._host = parts.hostname
        self._template_setup = template_setup
        self._setup_digest = setup_digest or hashlib.sha256(b"").hexdigest()
        self._admin: _ExternalAdmin | None = None
        self._made: set[str] = set()

    def host(self) -> str:
        return self._host

    def describe(self) -> str:
        return f"the running server {self._host}:{self.port}/{self.dbname}"

    def _scheme(self, driver: str | _Unset | None) -> str:
        chosen = self.driver if isinstance(driver, _Unset) else driver
        return f"postgresql+{_drivers.resolve(chosen).name}" if chosen else "postgresql"

    def get_connection_url(
        self,
        host: str | None = None,
        driver: str | _Unset | None = _UNSET,
        *,
        dbname: str | None = None,
    ) -> str:
        user = quote(self.username, safe="")
        password = quote(self.password, safe="")
        database = quote(dbname or self.dbname, safe="")
        place = f"{_url_host(host or self._host)}:{self.port}"
        return f"{self._scheme(driver)}://{user}:{password}@{place}/{database}"

    def _address(self) -> tuple[str, int]:
        return self._host, self.port

    @property
    def admin(self) -> DatabaseAdmin:
        if self._admin is None:
            self._admin = _ExternalAdmin(
                lambda name: self.connect(name, autocommit=True),
                self.dbname,
                driver=_drivers.resolve(self.driver),
                setup_digest=self._setup_digest,
            )
        return self._admin

    @property
    def template(self) -> str:
        return self.admin.template

    def _clone(self, name: str | None, template: str | None) -> str:
        if template is None:
            # Never end anyone's session on a server that is not ours.
            self.admin.ensure_template(self._template_setup, end_sessions=False)
        created = self.admin.create_from_template(name, template or self.admin.template)
        self._made.add(created)
        return created

    def close(self) -> None:
        """Drop the databases made here and close the maintenance connection."""
        if self._admin is None:
            return
        for name in sorted(self._made):
            self._admin.drop(name)
        self._made.clear()
        self._admin.close()
        self._admin = None
