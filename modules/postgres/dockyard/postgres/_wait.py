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
  container's configured credentials, through the DB-API driver itself (SQLAlchemy is
  not needed for readiness).  The temporary init server never listens
  on TCP, so a successful TCP query proves the init phase is over and the real
  server is up;
* the log is only an optimisation: while the (English) log positively shows the
  init phase in progress (exactly one ``ready`` line, no "init process
  complete" line yet), no query is attempted; the wait wakes on the next output;
* only "cannot talk to the server yet" (refused, reset, timed out, starting up) means
  not yet; a password/authentication failure aborts at once (``ReadinessAbort``) with
  the server's last log lines, as does any other answer (a missing database) or a missing
  driver (``ConfigurationError``, naming the pip extra); a container that exits is
  reported by core at once.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from dockyard.core import NotReady, PollingWaitStrategy, ReadinessAbort

from . import _drivers

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

_CONNECT_TIMEOUT = 3.0

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
    password: str
    dbname: str
    port: int

    def host(self) -> str: ...

    def mapped_port(self, port: int) -> int: ...


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


class PostgresReadyWaitStrategy(PollingWaitStrategy):
    """Ready when ``SELECT 1`` succeeds through the published port (see module doc)."""

    def is_ready(self, target: WaitTarget) -> bool:
        container = target.container
        if not isinstance(container, _HasCredentials):
            raise ReadinessAbort(
                f"{type(self).__name__} needs a PostgresContainer, got {type(container).__name__}"
            )
        driver = _drivers.resolve(container.driver)  # ConfigurationError: not installed
        driver.load()
        if init_phase_in_progress(target.logs()):
            # No query while the log shows the temporary server: the wait wakes on the
            # next output, which is the real server's start.
            raise NotReady("the image is still running its init phase (temporary server)")
        address = (container.host(), container.mapped_port(container.port))
        try:
            value = self._select_one(driver, container, address)
        except Exception as error:
            kind = _drivers.classify(driver, error, is_auth_failure)
            text = _drivers.message(error)
            if kind == "auth":
                # Core appends the container's last log lines (the server's FATAL line).
                raise ReadinessAbort(
                    f"PostgreSQL rejected the configured credentials of user "
                    f"{container.username!r}: {text}. Check the password given to "
                    "PostgresContainer against the server's POSTGRES_PASSWORD"
                ) from error
            if kind == "fatal":
                raise ReadinessAbort(f"PostgreSQL refused the readiness query: {text}") from error
            raise NotReady(f"cannot query yet: {text}") from error
        if value != 1:
            raise ReadinessAbort(f"SELECT 1 returned {value!r}")
        return True

    def _select_one(
        self, driver: _drivers.Driver, container: _HasCredentials, address: tuple[str, int]
    ) -> object:
        connection = _drivers.connect(
            driver,
            host=address[0],
            port=address[1],
            user=container.username,
            password=container.password,
            dbname=container.dbname,
            timeout=min(_CONNECT_TIMEOUT, self.check_time_left()),
        )
        try:
            cursor = connection.cursor()
            cursor.execute("SELECT 1")
            row = cursor.fetchone()
        finally:
            connection.close()
        return row[0] if row else None

    def describe(self) -> str:
        return "PostgreSQL answering SELECT 1 on its published port"
