"""The pytest fixtures of dockyard-postgres, registered by dockyard-pytest.

Found through this distribution's entry point (group ``dockyard.pytest``), so they exist
exactly when dockyard-postgres is installed. One server per session, shared by every
xdist worker and process on the engine; each test gets a database of its own, cloned from
a template built once per server from the init scripts and the
``pytest_dockyard_postgres_template`` hook.
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import unquote, urlsplit

import pytest

from dockyard.pytest import DockyardRun, add_service_options

from ._container import PostgresContainer
from ._external import ExternalPostgres

if TYPE_CHECKING:
    import sqlalchemy

__all__ = [
    "PostgresFactory",
    "dockyard_postgres",
    "dockyard_postgres_engine",
    "dockyard_postgres_factory",
    "dockyard_postgres_url",
]

#: The label that makes a server's template setup part of its sharing identity: two suites
#: with different schemas never join each other's server.
SETUP_LABEL = "org.dockyard.pytest.template-setup"


class _Hooks:
    @pytest.hookspec
    def pytest_dockyard_postgres_template(self, connection: Any) -> None:
        """Build the schema (and seed data) of the template each test's database is cloned
        from; runs once per server, in whichever process creates it. ``connection`` is a
        DB-API connection to the template; it is committed afterwards."""


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    pluginmanager.add_hookspecs(_Hooks)


def pytest_addoption(parser: pytest.Parser) -> None:
    add_service_options(parser, "postgres", example="postgresql://test:test@localhost:5432/test")
    parser.addini(
        "dockyard_postgres_init",
        "init scripts (.sql, .sh files, or directories of them) of the session server, run "
        "once before its template is built",
        "paths",
        [],
    )


def _digest(functions: Sequence[Callable[..., Any]]) -> str:
    """What identifies a template setup: each function's name and source."""
    digest = hashlib.sha256()
    for function in functions:
        digest.update(f"{function.__module__}.{function.__qualname__}\n".encode())
        # No source to read (a builtin, a REPL): the name alone identifies it.
        with contextlib.suppress(OSError, TypeError):
            digest.update(inspect.getsource(function).encode())
    return digest.hexdigest()[:16]


def _hook_setup(config: pytest.Config) -> tuple[Callable[[Any], None] | None, str]:
    hook = config.hook.pytest_dockyard_postgres_template
    implementations = hook.get_hookimpls()
    if not implementations:
        return None, ""

    def setup(connection: Any) -> None:
        hook(connection=connection)

    return setup, _digest([impl.function for impl in implementations])


class PostgresFactory(Protocol):
    """``dockyard_postgres_factory(...)``: a started server of these settings."""

    def __call__(
        self,
        image: str | None = None,
        *,
        username: str | None = None,
        password: str | None = None,
        dbname: str | None = None,
        settings: Mapping[str, object] | None = None,
        init_scripts: Sequence[str | Path] | None = None,
        template_setup: Callable[[Any], None] | None = None,
        configure: Callable[[PostgresContainer], PostgresContainer] | None = None,
    ) -> PostgresContainer: ...


def _reach(container: PostgresContainer) -> str:
    return container.get_connection_url(driver=None)


@pytest.fixture(scope="session")
def dockyard_postgres_factory(
    dockyard: DockyardRun, request: pytest.FixtureRequest, pytestconfig: pytest.Config
) -> PostgresFactory:
    """Start PostgreSQL servers of your own settings for the session:
    ``dockyard_postgres_factory(image=…, username=…, password=…, dbname=…, settings={…},
    init_scripts=[…], template_setup=fn, configure=fn)``. Unset arguments take the run's
    options (image, init scripts, template hook); servers are shared like the default one."""
    hook_setup, hook_digest = _hook_setup(pytestconfig)
    default_scripts = [Path(p) for p in pytestconfig.getini("dockyard_postgres_init")]

    def make(
        image: str | None = None,
        *,
        username: str | None = None,
        password: str | None = None,
        dbname: str | None = None,
        settings: Mapping[str, object] | None = None,
        init_scripts: Sequence[str | Path] | None = None,
        template_setup: Callable[[Any], None] | None = None,
        configure: Callable[[PostgresContainer], PostgresContainer] | None = None,
    ) -> PostgresContainer:
        container = PostgresContainer(
            image or dockyard.image("postgres", PostgresContainer.default_image),
            username=username,
            password=password,
            dbname=dbname,
        )
        container.with_server_settings(**dict(settings or {}))
        for script in default_scripts if init_scripts is None else init_scripts:
            path = Path(script)
            if path.is_dir():
                container.with_init_scripts_dir(path)
            else:
                container.with_init_script(path)
        setup, digest = (
            (template_setup, _digest([template_setup]))
            if template_setup is not None
            else (hook_setup, hook_digest)
        )
        if setup is not None:
            container.with_template_setup(setup).with_label(SETUP_LABEL, digest)
        if configure is not None:
            container = configure(container)
        return dockyard.start(dockyard.share(container), request, reach=_reach)

    return make


@pytest.fixture(scope="session")
def dockyard_postgres(
    dockyard: DockyardRun,
    dockyard_postgres_factory: PostgresFactory,
    pytestconfig: pytest.Config,
) -> Iterator[PostgresContainer | ExternalPostgres]:
    """The session's PostgreSQL server: a ``PostgresContainer`` shared by every xdist worker
    and process on the engine, or, with --dockyard-postgres-url, an ``ExternalPostgres`` on
    that server (same URL, engine and database methods)."""
    url = dockyard.service_url("postgres")
    if url is None:
        yield dockyard_postgres_factory()
        return
    setup, digest = _hook_setup(pytestconfig)
    server = ExternalPostgres(url, template_setup=setup, setup_digest=digest)
    try:
        yield server
    finally:
        server.close()


def _database_of(url: str) -> str:
    return unquote(urlsplit(url).path.lstrip("/"))


@pytest.fixture
def dockyard_postgres_url(
    dockyard: DockyardRun,
    dockyard_postgres: PostgresContainer | ExternalPostgres,
    request: pytest.FixtureRequest,
) -> Iterator[str]:
    """The URL of a database of this test's own (SQLAlchemy form), cloned in tens of
    milliseconds from the server's template; dropped when the test ends."""
    url = dockyard_postgres.fresh_database()
    yield url
    name = _database_of(url)
    if dockyard.keep(request.node):
        dockyard.note_kept(
            f"database {name} kept for {request.node.nodeid}: "
            f"{dockyard_postgres.get_connection_url(driver=None, dbname=name)}"
        )
        return
    dockyard_postgres.drop_database(name)


@pytest.fixture
def dockyard_postgres_engine(dockyard_postgres_url: str) -> Iterator[sqlalchemy.Engine]:
    """A SQLAlchemy engine on this test's own database, disposed before it is dropped."""
    import sqlalchemy

    engine = sqlalchemy.create_engine(dockyard_postgres_url)
    try:
        yield engine
    finally:
        engine.dispose()
