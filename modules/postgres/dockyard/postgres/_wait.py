"""Readiness of a PostgreSQL container.

The official ``postgres`` image (and Dockyard's local build, which copies its
interface) starts PostgreSQL twice on first boot:

1. a *temporary* server that listens on the Unix socket only
   (``listen_addresses=''``) while ``initdb`` output and the scripts of
   ``/docker-entrypoint-initdb.d`` are applied;
2. the *real* server, which listens on TCP.

Both print ``database system is ready to accept connections``.  Waiting for the
second line alone is fragile: the line is translated when the server runs with
a non-English ``lc_messages``/``LANGUAGE``, and it says nothing about
credentials.  This strategy therefore decides on a real query:

* ready  ⇔  ``SELECT 1`` succeeds through the *published TCP port* with the
  container's configured credentials.  The temporary init server never listens
  on TCP, so a successful TCP query proves the init phase is over and the real
  server is up;
* the log is only an optimisation: while the (English) log positively shows the
  init phase in progress (exactly one ``ready`` line, no "init process
  complete" line yet), the query is attempted at a slower pace;
* a password/authentication failure aborts at once (``ReadinessAbort``) with the
  server's last log lines; a container that exits is reported by core at once.
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import sqlalchemy
from sqlalchemy.pool import NullPool

from dockyard.core import PollingWaitStrategy, ReadinessAbort

if TYPE_CHECKING:
    from dockyard.core import WaitTarget

__all__ = ["READY_LINE", "PostgresReadyWaitStrategy", "is_auth_failure"]

#: The server's (English) log line when it accepts connections.
READY_LINE = "database system is ready to accept connections"

#: Lines printed by the image's entrypoint (a shell script, never translated)
#: once the init phase is over or skipped.
_INIT_OVER_MARKERS = re.compile(
    r"PostgreSQL init process complete|skipping initiali[sz]ation", re.IGNORECASE
)

#: How often the query is tried while the log shows the init phase running.
_SLOW_PROBE_INTERVAL = 1.0

#: Signs of an authentication/authorisation failure in a server error message:
#: the English texts and the stem of "authentication" in the languages that
#: PostgreSQL ships translations for (the server translates the message when it
#: runs with a non-English locale), and SQLSTATE 28P01 where a driver shows it.
_AUTH_FAILURE = re.compile(
    r"28P01"
    r"|password authentication failed|authentication failed"
    r"|no pg_hba\.conf entry|pg_hba\.conf"
    r"|authenti|autenti|аутентифика|автентифіка|認証|认证|認證|인증|uwierzytelni|hitelesít",
    re.IGNORECASE,
)


@runtime_checkable
class _HasCredentials(Protocol):
    """What the strategy needs from the container (a ``PostgresContainer``)."""

    driver: str | None
    username: str

    def get_connection_url(self, host: str | None = None, driver: Any = ...) -> str: ...


def is_auth_failure(message: str) -> bool:
    """Whether a connection error message is an authentication failure.

    Only the server's part is looked at: libpq prefixes it with
    ``connection to server at "<host>" (<ip>), port <n> failed:``.
    """
    server_part = message.split(" failed: ", 1)[-1]
    return _AUTH_FAILURE.search(server_part) is not None


def init_phase_in_progress(log_text: str) -> bool:
    """True when the (English) log positively shows the temporary init server.

    Returns False whenever the log does not say so clearly (translated log,
    another image): the query then decides alone.
    """
    if _INIT_OVER_MARKERS.search(log_text):
        return False
    return log_text.count(READY_LINE) == 1


def _connect_args(driver: str | None) -> dict[str, Any]:
    if driver in (None, "psycopg2", "psycopg", "psycopg2cffi"):
        return {"connect_timeout": 3}
    if driver == "pg8000":
        return {"timeout": 3}
    return {}


class PostgresReadyWaitStrategy(PollingWaitStrategy):
    """Ready when ``SELECT 1`` succeeds through the published port (see module doc)."""

    def __init__(self) -> None:
        super().__init__()
        self._engine: sqlalchemy.Engine | None = None
        self._engine_url: str | None = None
        self._last_probe = 0.0

    def _engine_for(self, url: str, driver: str | None) -> sqlalchemy.Engine:
        if self._engine is None or self._engine_url != url:
            if self._engine is not None:
                self._engine.dispose()
            self._engine = sqlalchemy.create_engine(
                url, poolclass=NullPool, connect_args=_connect_args(driver)
            )
            self._engine_url = url
        return self._engine

    def is_ready(self, target: WaitTarget) -> bool:
        container = target.container
        if not isinstance(container, _HasCredentials):
            raise ReadinessAbort(
                f"{type(self).__name__} needs a PostgresContainer, got {type(container).__name__}"
            )
        log_text = target.logs()
        now = time.monotonic()
        if init_phase_in_progress(log_text) and now - self._last_probe < _SLOW_PROBE_INTERVAL:
            raise RuntimeError("the image is still running its init phase (temporary server)")
        self._last_probe = now

        engine = self._engine_for(container.get_connection_url(), container.driver)
        try:
            with engine.connect() as connection:
                value = connection.execute(sqlalchemy.text("SELECT 1")).scalar_one()
        except sqlalchemy.exc.DBAPIError as error:
            message = str(error.orig) if error.orig is not None else str(error)
            sqlstate = getattr(error.orig, "pgcode", None) or getattr(error.orig, "sqlstate", None)
            if sqlstate == "28P01" or is_auth_failure(message):
                # Core appends the container's last log lines (the server's FATAL line).
                raise ReadinessAbort(
                    f"PostgreSQL rejected the configured credentials of user "
                    f"{container.username!r}: {message.strip()}. Check the password given to "
                    "PostgresContainer against the server's POSTGRES_PASSWORD"
                ) from error
            raise RuntimeError(f"SELECT 1 failed: {message.strip()}") from error
        if value != 1:
            raise RuntimeError(f"SELECT 1 returned {value!r}")
        self.close()
        return True

    def describe(self) -> str:
        return "PostgreSQL answering SELECT 1 on its published port"

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
            self._engine_url = None
