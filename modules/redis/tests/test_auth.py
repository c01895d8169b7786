"""Password on and off, and a refused password failing fast with the server's logs."""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest
import redis
from redis.exceptions import AuthenticationError

from dockyard.core import DockyardError, ReadinessAbort
from dockyard.redis import RedisContainer

from conftest import PASSWORD

FAST = 20.0  # seconds: well below the startup timeout below
STARTUP_TIMEOUT = 90


def test_client_authenticates(redis_with_password: RedisContainer) -> None:
    client = redis_with_password.get_client(decode_responses=True)
    assert client.ping() is True
    client.set("k", "v")
    assert client.get("k") == "v"
    assert client.config_get("requirepass") == {"requirepass": PASSWORD}


def test_client_without_password_is_refused(
    redis_with_password: RedisContainer,
) -> None:
    anonymous = redis_with_password.get_client(password=None)
    with pytest.raises(AuthenticationError):
        anonymous.ping()


def test_connection_url_carries_escaped_password(
    redis_with_password: RedisContainer,
) -> None:
    host = redis_with_password.host()
    port = redis_with_password.mapped_port(6379)
    url = redis_with_password.get_connection_url(db=2)
    assert url == f"redis://:{quote(PASSWORD, safe='')}@{host}:{port}/2"
    client = redis.Redis.from_url(url)
    assert client.ping() is True
    assert client.connection_pool.connection_kwargs["db"] == 2


def test_no_password_url(redis_server: RedisContainer) -> None:
    host, port = redis_server.host(), redis_server.mapped_port(6379)
    assert redis_server.get_connection_url() == f"redis://{host}:{port}/0"
    assert redis.Redis.from_url(redis_server.get_connection_url()).ping() is True


def _start_expecting_abort(container: RedisContainer) -> str:
    started = time.monotonic()
    try:
        with pytest.raises(DockyardError) as caught:
            container.with_startup_timeout(STARTUP_TIMEOUT).start()
    finally:
        container.stop()
    elapsed = time.monotonic() - started
    assert elapsed < FAST, f"took {elapsed:.1f}s: the wait did not fail fast"
    # core may raise ReadinessAbort itself or wrap it; either way the cause is there
    error: BaseException | None = caught.value
    chain = []
    while error is not None:
        chain.append(error)
        error = error.__cause__
    assert any(isinstance(e, ReadinessAbort) for e in chain), chain
    return str(caught.value)


def test_wrong_password_fails_fast_with_logs() -> None:
    # The client sends "right", the server's last --requirepass says "other".
    container = RedisContainer(password="right").with_server_args("--requirepass", "other")
    message = _start_expecting_abort(container)
    assert "invalid username-password pair" in message or "WRONGPASS" in message
    assert "Server initialized" in message  # the server's own log lines (up to its refusal)


def test_missing_password_fails_fast() -> None:
    # The server wants a password, the client has none: NOAUTH.
    container = RedisContainer().with_server_args("--requirepass", "other")
    message = _start_expecting_abort(container)
    assert "Authentication required" in message or "NOAUTH" in message
