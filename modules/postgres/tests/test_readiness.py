"""Readiness: a real query works as soon as start() returns, in any server locale."""

from __future__ import annotations

import sqlalchemy
from conftest import speaking_german

from dockyard.postgres import FAST_SETTINGS, PostgresContainer
from dockyard.postgres._wait import READY_LINE, init_phase_in_progress, is_auth_failure


def _logs(container: PostgresContainer) -> str:
    out, err = container.get_logs()
    return (out + err).decode("utf-8", "replace")


def test_select_one_right_after_start(pg: PostgresContainer) -> None:
    with pg.get_engine().connect() as connection:
        assert connection.execute(sqlalchemy.text("SELECT 1")).scalar_one() == 1
    # The image's temporary init server came first: the real server is the second one.
    assert _logs(pg).count(READY_LINE) == 2


def test_durability_is_off_by_default(pg: PostgresContainer) -> None:
    with pg.get_engine().connect() as connection:
        for key, value in FAST_SETTINGS.items():
            assert connection.execute(sqlalchemy.text(f"SHOW {key}")).scalar_one() == value


def test_credentials_and_port_are_the_defaults(pg: PostgresContainer) -> None:
    with pg.get_engine().connect() as connection:
        assert connection.execute(sqlalchemy.text("SHOW port")).scalar_one() == "5432"
        assert connection.execute(sqlalchemy.text("SELECT current_user")).scalar_one() == "test"


def test_command_carries_settings_and_overrides() -> None:
    default = PostgresContainer()
    assert default.server_command() == [
        "postgres",
        "-c",
        "fsync=off",
        "-c",
        "synchronous_commit=off",
        "-c",
        "full_page_writes=off",
    ]
    durable = PostgresContainer(fsync=True).with_server_setting("max_connections", 50)
    assert durable.server_command() == ["postgres", "-c", "max_connections=50"]
    overridden = PostgresContainer().with_server_setting("fsync", True)
    assert overridden.server_settings["fsync"] == "on"


def test_log_heuristics() -> None:
    assert init_phase_in_progress(f"LOG:  {READY_LINE}\n")
    assert not init_phase_in_progress(f"{READY_LINE}\n{READY_LINE}\n")
    assert not init_phase_in_progress("LOG:  Datenbanksystem ist bereit\n")
    assert not init_phase_in_progress(
        f"{READY_LINE}\nPostgreSQL init process complete; ready for start up.\n"
    )
    assert is_auth_failure('FATAL:  password authentication failed for user "test"')
    assert is_auth_failure("FATAL:  Passwort-Authentifizierung für Benutzer »test« fehlgeschlagen")
    assert not is_auth_failure("server closed the connection unexpectedly")
    assert not is_auth_failure(
        'connection to server at "authenticator" (10.0.0.9), port 5432 failed: '
        "server closed the connection unexpectedly"
    )
    assert not is_auth_failure("FATAL:  the database system is starting up")


def test_non_english_server_locale() -> None:
    container = speaking_german(PostgresContainer())
    with container:
        with container.get_engine().connect() as connection:
            assert connection.execute(sqlalchemy.text("SELECT 1")).scalar_one() == 1
        logs = _logs(container)
    # The server really spoke German: the English line never appeared.
    assert READY_LINE not in logs, logs[-3000:]
    assert "Datenbanksystem ist bereit" in logs, logs[-3000:]
