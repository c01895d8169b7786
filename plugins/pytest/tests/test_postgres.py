"""PostgreSQL's fixtures: a database per test on one server, its schema built once, the
engine, the factory, keep-on-failure, and a server that is already running."""

from __future__ import annotations

import shutil

import pytest
from conftest import DATA, RunPytest, containers_with

from dockyard.postgres import PostgresContainer

SCHEMA_HOOK = """
import pathlib

def pytest_dockyard_postgres_template(connection):
    with open(pathlib.Path(__file__).parent / "hook_runs.txt", "a") as runs:
        runs.write("ran\\n")
    connection.cursor().execute("CREATE TABLE orders (id serial PRIMARY KEY, who text)")
"""

TESTS = """
import sqlalchemy
import pytest

SEEN = []

def tables(engine):
    with engine.connect() as connection:
        return sorted(connection.execute(sqlalchemy.text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars())

@pytest.mark.parametrize("who", ["first", "second"])
def test_own_database(who, dockyard_postgres_engine, dockyard_postgres_url, dockyard_postgres):
    assert tables(dockyard_postgres_engine) == ["customers", "orders"]
    with dockyard_postgres_engine.begin() as connection:
        assert connection.execute(sqlalchemy.text("SELECT count(*) FROM orders")).scalar() == 0
        connection.execute(sqlalchemy.text("INSERT INTO orders (who) VALUES (:w)"), {"w": who})
    name = dockyard_postgres_url.rsplit("/", 1)[1]
    assert name not in [n for n, _ in SEEN]
    for earlier, _ in SEEN:      # the earlier test's database is gone
        assert not dockyard_postgres.admin.exists(earlier)
    SEEN.append((name, who))
    assert dockyard_postgres.shared
"""


def test_each_test_gets_a_database_cloned_from_a_template_built_once(
    pytester: pytest.Pytester, inner: RunPytest, label: str
) -> None:
    shutil.copy(DATA / "customers.sql", pytester.path / "customers.sql")
    pytester.makeini("[pytest]\ndockyard_postgres_init = customers.sql\n")
    pytester.makeconftest(SCHEMA_HOOK)
    pytester.makepyfile(TESTS)
    inner("--dockyard-label", label).assert_outcomes(passed=2)
    assert (pytester.path / "hook_runs.txt").read_text() == "ran\n"


def test_the_factory_starts_servers_of_other_settings(
    pytester: pytest.Pytester, inner: RunPytest, label: str
) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.fixture(scope="session")
        def shop(dockyard_postgres_factory):
            return dockyard_postgres_factory(
                username="alice", password="p@ss word", dbname="shop",
                settings={"max_connections": 50},
                template_setup=lambda c: c.cursor().execute("CREATE TABLE items (x int)"),
            )

        def test_shop(shop):
            assert shop.get_connection_url(driver=None).startswith("postgresql://alice:p%40ss")
            connection = shop.connect()
            cursor = connection.cursor()
            cursor.execute("SHOW max_connections")
            assert cursor.fetchone()[0] == "50"
            connection.close()
            with shop.isolated_database(driver=None) as url:
                assert "/shop_" in url
        """
    )
    inner("--dockyard-label", label).assert_outcomes(passed=1)


def test_keep_on_failure_keeps_the_server_and_the_failed_tests_database(
    pytester: pytest.Pytester, inner: RunPytest, label: str
) -> None:
    pytester.makepyfile(
        """
        def test_fails(dockyard_postgres_url):
            assert False

        def test_passes(dockyard_postgres_url):
            pass
        """
    )
    result = inner("--dockyard-label", label, "--dockyard-keep-on-failure")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "database test_* kept for test_keep*::test_fails: postgresql://test:test@*:*/test_*",
            "* (dockyard.local/postgres:15), id *, kept for test_keep*::test_fails",
            "          postgresql://test:test@*",
        ]
    )
    kept = containers_with(label)
    assert len(kept) == 1 and not kept[0].startswith("dockyard-shared-")


def test_a_running_server_is_used_without_an_engine(
    pytester: pytest.Pytester, inner: RunPytest, monkeypatch: pytest.MonkeyPatch, closed_port: int
) -> None:
    with PostgresContainer() as server:
        url = server.get_connection_url()
        monkeypatch.setenv("DOCKER_HOST", f"tcp://127.0.0.1:{closed_port}")
        pytester.makeconftest(SCHEMA_HOOK)
        pytester.makepyfile(
            TESTS.replace('["customers", "orders"]', '["orders"]').replace(
                "assert dockyard_postgres.shared", ""
            )
            + """
def test_kind(dockyard_postgres):
    from dockyard.postgres._external import ExternalPostgres
    assert isinstance(dockyard_postgres, ExternalPostgres)
"""
        )
        result = inner("--dockyard-postgres-url", url)
        result.assert_outcomes(passed=3)
        result.stdout.fnmatch_lines(
            [
                "dockyard: no Docker engine at*",
                "dockyard: postgres from the running server postgresql+psycopg2://test:***@*",
            ]
        )
        admin = server.admin
        left = [d for d in admin.databases() if d.startswith("test_")]
        assert left == [d for d in left if "_dockyard_" in d]  # only the template stays
