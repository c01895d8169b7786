"""Failures are reported at once, with the server's own log lines."""

from __future__ import annotations

import time

import pytest
from conftest import speaking_german

from dockyard.core import ContainerSpec, ContainerStartupError, DockyardError, ReadinessAbort
from dockyard.postgres import PostgresContainer

#: Far below the default startup timeout: proves the failure did not wait for it.
FAST = 30.0


class _ClientWithOtherPassword(PostgresContainer):
    """The server gets POSTGRES_PASSWORD=server-secret; the client uses another one."""

    def _configure_spec(self, spec: ContainerSpec) -> ContainerSpec:
        spec = super()._configure_spec(spec)  # the server's password is in the spec now
        self.password = "client-guess"
        return spec


def test_wrong_password_fails_fast_with_server_logs() -> None:
    container = _ClientWithOtherPassword(password="server-secret")
    began = time.monotonic()
    with pytest.raises(ReadinessAbort) as caught:
        container.start()
    try:
        elapsed = time.monotonic() - began
        message = str(caught.value)
        assert "password authentication failed" in message
        # The server's own log line is part of the message.
        assert 'FATAL:  password authentication failed for user "test"' in message
        assert elapsed < FAST, elapsed
    finally:
        container.stop()


def test_crashing_server_fails_fast_with_its_logs() -> None:
    container = PostgresContainer().with_server_setting("no_such_setting", "42")
    began = time.monotonic()
    with pytest.raises(DockyardError) as caught:
        container.start()
    try:
        elapsed = time.monotonic() - began
        assert isinstance(caught.value, ContainerStartupError), repr(caught.value)
        assert caught.value.exit_code not in (None, 0)
        assert 'unrecognized configuration parameter "no_such_setting"' in str(caught.value)
        assert elapsed < FAST, elapsed
    finally:
        container.stop()


def test_wrong_password_fails_fast_in_another_language() -> None:
    container = speaking_german(_ClientWithOtherPassword(password="server-secret"))
    began = time.monotonic()
    with pytest.raises(ReadinessAbort) as caught:
        container.start()
    try:
        assert "Passwort-Authentifizierung" in str(caught.value)
        assert time.monotonic() - began < FAST
    finally:
        container.stop()
