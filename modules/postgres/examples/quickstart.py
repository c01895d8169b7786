"""A short tour of dockyard-postgres.

    PYTHONPATH=core:modules/postgres python modules/postgres/examples/quickstart.py

(where no registry is reachable, first
export DOCKYARD_IMAGE_SUBSTITUTIONS="$(python3 tools/images/image_manifest.py substitutions)").
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy

from dockyard.postgres import PostgresContainer

INIT_SQL = Path(__file__).resolve().parent / "schema.sql"


def main() -> None:
    with PostgresContainer().with_init_script(INIT_SQL) as pg:
        print("test host URL:", pg.get_connection_url())

        # pool_pre_ping: restore() ends the sessions on the database, pooled ones included.
        engine = pg.get_engine(pool_pre_ping=True)
        with engine.connect() as connection:
            names = connection.execute(sqlalchemy.text("SELECT name FROM ships ORDER BY id"))
            print("ships:", [row[0] for row in names])

        # Save the state, change it, go back.
        pg.snapshot()
        with engine.begin() as connection:
            connection.execute(sqlalchemy.text("DELETE FROM ships"))
        pg.restore()
        with engine.connect() as connection:
            count = connection.execute(sqlalchemy.text("SELECT count(*) FROM ships"))
            print("ships after restore():", count.scalar_one())
        engine.dispose()

        # A throw-away copy per test: created from the template in tens of milliseconds.
        with pg.isolated_database() as url:
            copy = sqlalchemy.create_engine(url)
            with copy.connect() as connection:
                count = connection.execute(sqlalchemy.text("SELECT count(*) FROM ships"))
                print("ships in an isolated copy:", count.scalar_one())
            copy.dispose()


if __name__ == "__main__":
    main()
