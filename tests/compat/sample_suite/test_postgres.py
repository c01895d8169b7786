"""The inventory database: schema and queries through SQLAlchemy."""

import pytest
import sqlalchemy
from testcontainers.community.postgres import PostgresContainer


@pytest.fixture(scope="module")
def postgres(postgres_image):
    with PostgresContainer(
        postgres_image, username="inventory", password="s3cret", dbname="stock"
    ) as container:
        yield container


def test_schema_and_rows(postgres):
    engine = sqlalchemy.create_engine(postgres.get_connection_url())
    try:
        with engine.begin() as connection:
            connection.execute(
                sqlalchemy.text("create table parts (id serial primary key, name text not null)")
            )
            connection.execute(sqlalchemy.text("insert into parts (name) values ('bolt'), ('nut')"))
        with engine.connect() as connection:
            names = connection.execute(sqlalchemy.text("select name from parts order by id"))
            assert names.scalars().all() == ["bolt", "nut"]
            user = connection.execute(sqlalchemy.text("select current_user")).scalar_one()
            assert user == "inventory"
    finally:
        engine.dispose()


def test_connection_urls(postgres):
    host = postgres.get_container_host_ip()
    port = postgres.get_exposed_port(5432)
    assert postgres.get_connection_url() == (
        f"postgresql+psycopg2://inventory:s3cret@{host}:{port}/stock"
    )
    assert postgres.get_connection_url(driver=None) == (
        f"postgresql://inventory:s3cret@{host}:{port}/stock"
    )
    assert (postgres.username, postgres.password, postgres.dbname) == (
        "inventory",
        "s3cret",
        "stock",
    )
