"""Orders kept in PostgreSQL: the code under test."""

from __future__ import annotations

import sqlalchemy
from sqlalchemy import text


class OrderStore:
    def __init__(self, engine: sqlalchemy.Engine) -> None:
        self._engine = engine

    def create_schema(self) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                text(
                    "CREATE TABLE IF NOT EXISTS orders (item TEXT NOT NULL, quantity INT NOT NULL)"
                )
            )

    def add(self, item: str, quantity: int) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                text("INSERT INTO orders (item, quantity) VALUES (:item, :quantity)"),
                {"item": item, "quantity": quantity},
            )

    def total(self, item: str) -> int:
        with self._engine.connect() as connection:
            value = connection.execute(
                text("SELECT COALESCE(SUM(quantity), 0) FROM orders WHERE item = :item"),
                {"item": item},
            ).scalar_one()
        return int(value)
