"""Readiness of a Redis server: a real PING through the published port.

A server is ready when it answers ``PING`` with ``PONG`` to a client that
authenticates the way the tests will. While it replays its RDB/AOF file it
answers ``-LOADING`` (``BusyLoadingError``): that is "not yet". A refused
password (``WRONGPASS``, ``NOAUTH``, AUTH sent to a server without a password)
or a server in protected mode (``DENIED``) will never become ready by waiting,
so those abort the wait at once (core adds the server's last log lines).
"""

from __future__ import annotations

from typing import Self

import redis
from redis.backoff import NoBackoff
from redis.exceptions import (
    AuthenticationError,
    BusyLoadingError,
    NoPermissionError,
    RedisError,
    ResponseError,
)
from redis.retry import Retry

from dockyard.core import NotReady, PollingWaitStrategy, ReadinessAbort, WaitTarget

__all__ = ["RedisPingWaitStrategy", "is_fatal_ping_error"]


def is_fatal_ping_error(error: BaseException) -> bool:
    """Tell whether an error raised by ``PING`` can go away by waiting.

    ``False`` ("not yet"): connection refused or reset, timeouts, ``LOADING``
    (``BusyLoadingError``), ``BUSY`` and any other transient error.
    ``True`` ("give up now"): authentication refused, missing permission, or
    the server refusing remote clients (protected mode).
    """
    if isinstance(error, BusyLoadingError):
        return False
    if isinstance(error, (AuthenticationError, NoPermissionError)):
        return True
    if isinstance(error, ResponseError):
        return str(error).startswith(("DENIED", "NOAUTH", "WRONGPASS"))
    return False


class RedisPingWaitStrategy(PollingWaitStrategy):
    """Poll ``PING`` on the published ``port`` until the server answers ``PONG``.

    ``password`` (and ``username`` for ACL users) are what the client sends.
    ``loading_polls`` counts the polls of the latest wait answered with ``LOADING``.
    """

    def __init__(
        self,
        port: int = 6379,
        password: str | None = None,
        username: str | None = None,
        *,
        socket_timeout: float = 2.0,
    ) -> None:
        super().__init__()
        self.port = port
        self.password = password
        self.username = username
        self.socket_timeout = socket_timeout
        # One tally per wait, shared by this instance and the copy that runs the wait.
        self._loading = [0]

    def fresh(self) -> Self:
        self._loading = [0]
        return super().fresh()

    @property
    def loading_polls(self) -> int:
        return self._loading[0]

    def is_ready(self, target: WaitTarget) -> bool:
        host = target.host()
        port = target.mapped_port(self.port)
        client = redis.Redis(
            host=host,
            port=port,
            username=self.username,
            password=self.password,
            socket_connect_timeout=self.socket_timeout,
            socket_timeout=self.socket_timeout,
            retry=Retry(NoBackoff(), 0),  # one attempt per poll; core does the polling
            # RESP2 on every redis-py: from 8.0 the default handshake is HELLO 3, which a
            # server wanting a password answers with a HELLO error rather than NOAUTH.
            protocol=2,
        )
        with client:
            try:
                answer = client.ping()
            except RedisError as exc:
                if isinstance(exc, BusyLoadingError):
                    self._loading[0] += 1
                if is_fatal_ping_error(exc):
                    # core appends the server's last log lines to the message
                    reason = str(exc).rstrip(".")
                    raise ReadinessAbort(
                        f"Redis at {host}:{port} refused the readiness client: {reason}. "
                        "Check the password given to RedisContainer against the server's "
                        "requirepass (server args, config file)"
                    ) from exc
                # Refused, reset, LOADING, BUSY...: the server cannot answer PONG yet.
                raise NotReady(f"PING: {type(exc).__name__}: {exc}") from exc
        return bool(answer)

    def describe(self) -> str:
        user = f" as {self.username!r}" if self.username else ""
        auth = " with password" if self.password is not None else ""
        return f"Redis PING on port {self.port}{user}{auth}"
