"""PostgreSQL's Python drivers (DB-API 2): which one to use, connecting, and reading errors.

Readiness and the database operations (snapshots, fresh databases) talk to the server
through the driver directly, so SQLAlchemy is only needed for ``get_engine()``. The
``driver`` of a ``PostgresContainer`` is ``"auto"`` (the first installed of psycopg2,
psycopg 3 and pg8000), a driver name, or None (a plain ``postgresql://`` URL; the
readiness check then uses whichever driver is installed).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Final

from dockyard.core import ConfigurationError

__all__ = ["AUTO", "DRIVERS", "Driver", "classify", "connect", "message", "resolve", "sqlstate"]

AUTO: Final = "auto"


@dataclass(frozen=True)
class Driver:
    """A DB-API driver: its import name, its SQLAlchemy name and the pip extra that installs it."""

    name: str
    module: str
    extra: str
    package: str

    def load(self) -> ModuleType:
        try:
            return importlib.import_module(self.module)
        except ModuleNotFoundError as exc:
            raise ConfigurationError(
                f"The PostgreSQL driver {self.name!r} is not installed ({exc}). Install it "
                f"with `pip install 'dockyard-postgres[{self.extra}]'` (the {self.package} "
                "package), or choose an installed one with PostgresContainer(driver=...)."
            ) from exc


DRIVERS: Final[dict[str, Driver]] = {
    "psycopg2": Driver("psycopg2", "psycopg2", "psycopg2", "psycopg2-binary"),
    "psycopg": Driver("psycopg", "psycopg", "psycopg", "psycopg[binary]"),
    "pg8000": Driver("pg8000", "pg8000.dbapi", "pg8000", "pg8000"),
}


def _installed(driver: Driver) -> bool:
    try:
        importlib.import_module(driver.module)
    except ImportError:
        return False
    return True


def resolve(name: str | None) -> Driver:
    """The driver for ``name``: a known name, or the first installed one for AUTO / None."""
    if name in (None, AUTO):
        for driver in DRIVERS.values():
            if _installed(driver):
                return driver
        raise ConfigurationError(
            "No PostgreSQL driver is installed. Install one with "
            "`pip install 'dockyard-postgres[psycopg2]'` (or [psycopg], [pg8000])."
        )
    if name not in DRIVERS:
        raise ConfigurationError(
            f"Unknown PostgreSQL driver {name!r}: use one of {', '.join(DRIVERS)} (or None "
            "for a plain postgresql:// URL)."
        )
    return DRIVERS[name]


def connect(
    driver: Driver,
    *,
    host: str,
    port: int,
    user: str,
    password: str,
    dbname: str,
    timeout: float,
    autocommit: bool = True,
) -> Any:
    """A DB-API connection (autocommit by default); errors are the driver's own."""
    module = driver.load()
    seconds = max(1, round(timeout))
    if driver.name == "pg8000":
        connection = module.connect(
            user=user, host=host, port=port, database=dbname, password=password, timeout=seconds
        )
        connection.autocommit = autocommit
        return connection
    if driver.name == "psycopg":
        return module.connect(
            host=host,
            port=port,
            user=user,
            password=password,
            dbname=dbname,
            connect_timeout=seconds,
            autocommit=autocommit,
        )
    connection = module.connect(
        host=host, port=port, user=user, password=password, dbname=dbname, connect_timeout=seconds
    )
    connection.autocommit = autocommit
    return connection


def sqlstate(error: BaseException) -> str | None:
    """The server's SQLSTATE of a driver error, None for client-side failures."""
    for attribute in ("pgcode", "sqlstate"):
        code = getattr(error, attribute, None)
        if code:
            return str(code)
    first = error.args[0] if error.args else None
    if isinstance(first, dict) and first.get("C"):  # pg8000 passes the server's fields
        return str(first["C"])
    return None


def message(error: BaseException) -> str:
    first = error.args[0] if error.args else None
    if isinstance(first, dict):
        return str(first.get("M") or first)
    return str(error).strip()


# Server answers that mean "not yet": starting up, shutting down the init server.
_NOT_YET_STATES = frozenset({"57P03", "57P01", "08006", "08001", "08004"})
_AUTH_STATES = frozenset({"28P01", "28000"})


def classify(driver: Driver, error: BaseException, is_auth_failure: Any) -> str:
    """``"auth"`` (credentials refused), ``"not-yet"`` (cannot talk to the server yet:
    refused, reset, timed out, starting up) or ``"fatal"`` (an answer that will not change)."""
    state = sqlstate(error)
    text = message(error)
    if state in _AUTH_STATES or is_auth_failure(text):
        return "auth"
    if state is not None:
        return "not-yet" if state in _NOT_YET_STATES else "fatal"
    if "does not exist" in text:
        return "fatal"
    if isinstance(error, OSError):
        return "not-yet"
    module = driver.load()
    kinds = tuple(
        kind
        for kind in (
            getattr(module, "InterfaceError", None),
            getattr(module, "OperationalError", None),
        )
        if isinstance(kind, type)
    )
    return "not-yet" if kinds and isinstance(error, kinds) else "fatal"
