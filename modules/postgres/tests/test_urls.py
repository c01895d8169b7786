"""URLs for the test host and for peers on a network, engines, a psql client container."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy
from conftest import CLIENT_IMAGE

from dockyard.core import ConfigurationError, DockerContainer, Network
from dockyard.postgres import PostgresContainer


@pytest.fixture(scope="module")
def network() -> Iterator[Network]:
    with Network() as net:
        yield net


@pytest.fixture(scope="module")
def pg_on_network(network: Network) -> Iterator[PostgresContainer]:
    container = (
        PostgresContainer(username="dock", password="p@ss:w/rd", dbname="harbour")
        .with_network(network)
        .with_network_aliases("db")
    )
    with container:
        yield container


def test_connection_url_shapes(pg_on_network: PostgresContainer) -> None:
    pg = pg_on_network
    host, port = pg.host(), pg.mapped_port(5432)
    password = "p%40ss%3Aw%2Frd"
    assert pg.get_connection_url() == (
        f"postgresql+psycopg2://dock:{password}@{host}:{port}/harbour"
    )
    assert (
        pg.get_connection_url(driver=None) == f"postgresql://dock:{password}@{host}:{port}/harbour"
    )
    assert pg.get_connection_url(host="127.0.0.1", driver="psycopg").startswith(
        "postgresql+psycopg://dock:"
    )
    assert (
        pg.get_internal_connection_url() == f"postgresql+psycopg2://dock:{password}@db:5432/harbour"
    )
    assert pg.get_internal_connection_url(alias="other", driver=None) == (
        f"postgresql://dock:{password}@other:5432/harbour"
    )


def test_engine_in_one_call(pg_on_network: PostgresContainer) -> None:
    engine = pg_on_network.get_engine(pool_pre_ping=True)
    try:
        with engine.connect() as connection:
            row = connection.execute(
                sqlalchemy.text("SELECT current_user, current_database()")
            ).one()
        assert tuple(row) == ("dock", "harbour")
    finally:
        engine.dispose()


def test_plain_url_works_with_psycopg2(pg_on_network: PostgresContainer) -> None:
    import psycopg2

    url = pg_on_network.get_connection_url(driver=None)
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT 42")
        assert cursor.fetchone() == (42,)
    connection.close()


def test_internal_url_needs_an_alias() -> None:
    with pytest.raises(ConfigurationError, match="network alias"):
        PostgresContainer().get_internal_connection_url()


def test_env_style_credentials_are_honoured() -> None:
    container = (
        PostgresContainer()
        .with_env("POSTGRES_USER", "u")
        .with_envs(POSTGRES_PASSWORD="pw", POSTGRES_DB="d")
    )
    assert (container.username, container.password, container.dbname) == ("u", "pw", "d")


def test_client_container_reaches_alias_with_psql(
    network: Network, pg_on_network: PostgresContainer
) -> None:
    pg = pg_on_network
    client = (
        DockerContainer(CLIENT_IMAGE)
        .with_network(network)
        .with_env("PGPASSWORD", pg.password)
        .with_command(["sleep", "infinity"])
    )
    with client:
        result = client.exec(
            ["psql", "-h", "db", "-U", pg.username, "-d", pg.dbname, "-tAc", "select 42"]
        )
        assert result.exit_code == 0, result.output
        assert result.output.decode().strip() == "42"
        # The internal URL is what a peer would use; libpq accepts the plain form.
        url = pg.get_internal_connection_url(driver=None)
        result = client.exec(["psql", url, "-tAc", "select current_database()"])
        assert result.exit_code == 0, result.output
        assert result.output.decode().strip() == "harbour"
