"""Init scripts run in the defined order; readiness waits for a slow initialisation."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy

from dockyard.core import ConfigurationError
from dockyard.postgres import INIT_DIR, PostgresContainer

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def initialised() -> Iterator[tuple[PostgresContainer, float]]:
    container = (
        PostgresContainer()
        .with_init_scripts_dir(DATA / "initdb")
        .with_init_script(DATA / "extra_after_dir.sql")
        .with_init_script(DATA / "slow" / "zz_slow.sql")  # pg_sleep(4)
    )
    began = time.monotonic()
    with container:
        yield container, time.monotonic() - began


def test_scripts_are_numbered_in_call_order() -> None:
    container = (
        PostgresContainer()
        .with_init_scripts_dir(DATA / "initdb")
        .with_init_script(DATA / "extra_after_dir.sql")
    )
    assert [target for _, target in container.init_scripts] == [
        f"{INIT_DIR}/001_01_schema.sql",
        f"{INIT_DIR}/002_02_data.sql",
        f"{INIT_DIR}/003_10_shell.sh",
        f"{INIT_DIR}/004_README.txt",
        f"{INIT_DIR}/005_extra_after_dir.sql",
    ]


def test_missing_script_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError):
        PostgresContainer().with_init_script(tmp_path / "nope.sql")
    with pytest.raises(ConfigurationError):
        PostgresContainer().with_init_scripts_dir(tmp_path / "nope")


def test_init_scripts_ran_in_order(initialised: tuple[PostgresContainer, float]) -> None:
    container, _ = initialised
    with container.get_engine().connect() as connection:
        steps = connection.execute(sqlalchemy.text("SELECT step FROM init_log ORDER BY seq"))
        assert [row[0] for row in steps] == [
            "01_schema.sql",
            "02_data.sql",
            "10_shell.sh",
            "extra_after_dir.sql",
            "zz_slow.sql",
        ]
        names = connection.execute(sqlalchemy.text("SELECT name FROM items ORDER BY id"))
        assert [row[0] for row in names] == ["anchor", "bollard", "capstan"]


def test_readiness_waited_for_the_slow_script(
    initialised: tuple[PostgresContainer, float],
) -> None:
    container, startup_seconds = initialised
    assert startup_seconds >= 4
    # start() returned only once the real server was up: the first query works at once.
    with container.get_engine().connect() as connection:
        assert (
            connection.execute(sqlalchemy.text("SELECT count(*) FROM init_log")).scalar_one() == 5
        )
