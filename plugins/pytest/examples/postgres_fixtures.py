"""PostgreSQL with dockyard-pytest: copy these tests into your suite, nothing else to write.

    pip install dockyard-pytest dockyard-postgres
    pytest examples/postgres_fixtures.py        # or: python examples/postgres_fixtures.py

Every test gets a database of its own, cloned in milliseconds from a template that holds
the schema; the template is built once per server, which all xdist workers share.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy

from dockyard.postgres import PostgresContainer


def create_schema(connection: Any) -> None:
    connection.cursor().execute("CREATE TABLE orders (id serial PRIMARY KEY, total int)")


# The schema, in one file. In a suite, rather put `dockyard_postgres_init = tests/schema.sql`
# into the ini file, or a hook `pytest_dockyard_postgres_template(connection)` into conftest.py.
@pytest.fixture(scope="session")
def dockyard_postgres(dockyard_postgres_factory: Any) -> PostgresContainer:
    server: PostgresContainer = dockyard_postgres_factory(template_setup=create_schema)
    return server


def test_an_order_is_stored(dockyard_postgres_engine: sqlalchemy.Engine) -> None:
    with dockyard_postgres_engine.begin() as connection:
        connection.execute(sqlalchemy.text("INSERT INTO orders (total) VALUES (42)"))
        total = connection.execute(sqlalchemy.text("SELECT sum(total) FROM orders")).scalar()
    assert total == 42


def test_every_test_starts_from_the_template(dockyard_postgres_engine: sqlalchemy.Engine) -> None:
    with dockyard_postgres_engine.connect() as connection:
        assert connection.execute(sqlalchemy.text("SELECT count(*) FROM orders")).scalar() == 0


def test_a_url_for_any_client(dockyard_postgres_url: str) -> None:
    assert dockyard_postgres_url.startswith("postgresql+")


if __name__ == "__main__":
    import sys

    # Installed, pytest loads the plugin by itself; -p also loads it from a source tree.
    sys.exit(pytest.main([__file__, "-q", "-p", "dockyard.pytest", "-p", "no:cacheprovider"]))
