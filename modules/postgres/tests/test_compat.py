"""testcontainers-python's PostgreSQL behaviour that a migrating suite relies on."""

from __future__ import annotations

import os
import subprocess
import sys

from dockyard.postgres import PostgresContainer

WITHOUT_SQLALCHEMY = """
import sys
sys.modules["sqlalchemy"] = None  # as if it was not installed
from dockyard.postgres import PostgresContainer
with PostgresContainer() as pg:
    connection = pg.connect()
    cursor = connection.cursor()
    cursor.execute("SELECT 1")
    print("ready", cursor.fetchone()[0], flush=True)
    connection.close()
"""


def test_readiness_needs_no_sqlalchemy() -> None:
    # Upstream 4.x: PostgresContainer starts (and is ready) without SQLAlchemy installed.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    child = subprocess.run(
        [sys.executable, "-c", WITHOUT_SQLALCHEMY],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == 0, child.stderr
    assert child.stdout.strip() == "ready 1"


def test_connection_url_and_attributes_as_upstream() -> None:
    # Upstream: username/password/dbname attributes; get_connection_url() names the driver
    # ("+psycopg2" here), driver=None gives a plain URL.
    with PostgresContainer(username="app", password="secret", dbname="orders") as pg:
        assert (pg.username, pg.password, pg.dbname) == ("app", "secret", "orders")
        assert pg.get_connection_url().startswith("postgresql+psycopg2://app:secret@")
        assert pg.get_connection_url(driver=None).startswith("postgresql://app:secret@")
