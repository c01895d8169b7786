"""OrderStore against a real PostgreSQL server started by Dockyard."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy
from dockyard.postgres import PostgresContainer

from orders.store import OrderStore


@pytest.fixture(scope="module")
def engine() -> Iterator[sqlalchemy.Engine]:
    with PostgresContainer() as postgres:
        yield postgres.get_engine()


def test_totals_add_up(engine: sqlalchemy.Engine) -> None:
    store = OrderStore(engine)
    store.create_schema()
    store.add("tea", 2)
    store.add("tea", 3)
    store.add("cake", 1)
    assert store.total("tea") == 5
    assert store.total("coffee") == 0
