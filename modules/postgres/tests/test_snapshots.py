"""Snapshots, restores and fresh per-test databases through template databases."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy

from dockyard.postgres import IN_MEMORY_PGDATA, PostgresContainer, SnapshotError


def _count(url_or_engine: str | sqlalchemy.Engine) -> int:
    engine = (
        sqlalchemy.create_engine(url_or_engine, poolclass=sqlalchemy.pool.NullPool)
        if isinstance(url_or_engine, str)
        else url_or_engine
    )
    with engine.connect() as connection:
        return int(connection.execute(sqlalchemy.text("SELECT count(*) FROM boats")).scalar_one())


def _execute(url: str, sql: str) -> None:
    engine = sqlalchemy.create_engine(url, poolclass=sqlalchemy.pool.NullPool)
    with engine.begin() as connection:
        connection.execute(sqlalchemy.text(sql))


@pytest.fixture(scope="module")
def pg() -> Iterator[PostgresContainer]:
    """Data on a tmpfs: copying template databases is then a matter of milliseconds."""
    with PostgresContainer() as container:
        yield container


@pytest.fixture(scope="module")
def schema(pg: PostgresContainer) -> Iterator[PostgresContainer]:
    _execute(
        pg.get_connection_url(),
        "CREATE TABLE boats (id serial PRIMARY KEY, name text NOT NULL);"
        "INSERT INTO boats (name) VALUES ('ketch'), ('yawl')",
    )
    yield pg


@pytest.fixture
def fresh_url(schema: PostgresContainer) -> Iterator[str]:
    """The fixture the README recommends: one isolated database per test."""
    with schema.isolated_database() as url:
        yield url


def test_snapshot_and_restore(schema: PostgresContainer) -> None:
    pg = schema
    pg.snapshot()
    engine = pg.get_engine(pool_pre_ping=True)
    try:
        with engine.begin() as connection:
            connection.execute(sqlalchemy.text("INSERT INTO boats (name) VALUES ('sloop')"))
            connection.execute(sqlalchemy.text("DELETE FROM boats WHERE name = 'ketch'"))
        assert _count(engine) == 2
        with engine.begin() as connection:
            connection.execute(sqlalchemy.text("INSERT INTO boats (name) VALUES ('cutter')"))
        assert _count(engine) == 3

        # The engine's pooled connection is terminated by restore; pre-ping reconnects.
        pg.restore()
        with engine.connect() as connection:
            names = connection.execute(sqlalchemy.text("SELECT name FROM boats ORDER BY id"))
            assert [row[0] for row in names] == ["ketch", "yawl"]

        # A restore can be repeated, and named snapshots live side by side.
        with engine.begin() as connection:
            connection.execute(sqlalchemy.text("INSERT INTO boats (name) VALUES ('dory')"))
        pg.snapshot("three_boats")
        pg.restore()
        assert _count(engine) == 2
        pg.restore("three_boats")
        assert _count(engine) == 3
        pg.restore("snapshot")
        assert _count(engine) == 2
    finally:
        engine.dispose()


def test_restore_of_unknown_snapshot_fails(schema: PostgresContainer) -> None:
    with pytest.raises(SnapshotError, match="no snapshot"):
        schema.restore("never_taken")
    with pytest.raises(SnapshotError):
        schema.snapshot(schema.dbname)


def test_fresh_databases_are_isolated(schema: PostgresContainer) -> None:
    first = schema.fresh_database()
    second = schema.fresh_database(name="second_copy")
    assert first != second
    assert second.endswith("/second_copy")
    _execute(first, "INSERT INTO boats (name) VALUES ('junk'), ('proa')")
    _execute(second, "DELETE FROM boats")
    assert _count(first) == 4
    assert _count(second) == 0
    assert _count(schema.get_connection_url()) == 2  # the template is untouched
    schema.drop_database("second_copy")
    schema.drop_database(first.rsplit("/", 1)[1])
    assert "second_copy" not in schema.admin.databases()


def test_fresh_database_from_a_snapshot(schema: PostgresContainer) -> None:
    schema.snapshot("baseline")
    _execute(schema.get_connection_url(), "INSERT INTO boats (name) VALUES ('later')")
    try:
        url = schema.fresh_database(template="baseline")
        assert _count(url) == 2
    finally:
        schema.restore("baseline")


def test_per_test_fixture_one(fresh_url: str) -> None:
    _execute(fresh_url, "INSERT INTO boats (name) VALUES ('from test one')")
    assert _count(fresh_url) == 3


def test_per_test_fixture_two(fresh_url: str, schema: PostgresContainer) -> None:
    # Nothing of test one is visible here.
    assert _count(fresh_url) == 2
    name = fresh_url.rsplit("/", 1)[1]
    assert name in schema.admin.databases()


def test_isolated_database_is_dropped_on_exit(schema: PostgresContainer) -> None:
    with schema.isolated_database() as url:
        name = url.rsplit("/", 1)[1]
        assert name in schema.admin.databases()
    assert name not in schema.admin.databases()


def test_data_directory_is_in_memory_by_default(pg: PostgresContainer) -> None:
    with pg.get_engine().connect() as connection:
        data_directory = connection.execute(sqlalchemy.text("SHOW data_directory")).scalar_one()
    assert data_directory == IN_MEMORY_PGDATA
    filesystem = pg.exec(["stat", "-f", "-c", "%T", IN_MEMORY_PGDATA]).output.strip()
    assert filesystem == b"tmpfs"


def test_data_directory_on_disk_when_asked() -> None:
    with PostgresContainer(data_in_memory=False) as on_disk:
        with on_disk.get_engine().connect() as connection:
            data_directory = connection.execute(sqlalchemy.text("SHOW data_directory"))
            assert data_directory.scalar_one() != IN_MEMORY_PGDATA
        assert not any(
            mount["Destination"] == IN_MEMORY_PGDATA
            for mount in on_disk.get_wrapped_container().attrs.get("Mounts", [])
        )
        assert (
            on_disk.exec(["stat", "-f", "-c", "%T", "/var/lib/postgresql/data"]).output.strip()
            != b"tmpfs"
        )
