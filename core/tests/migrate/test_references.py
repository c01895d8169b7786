"""Uses outside imports: attribute chains on modules imported whole, and dotted strings."""

from __future__ import annotations

from textwrap import dedent

import pytest

from dockyard.migrate import migrate_source


def migrated(text: str) -> str:
    return migrate_source(dedent(text)).after


def messages(text: str) -> list[str]:
    return [f"{f.line}: {f.message}" for f in migrate_source(dedent(text)).findings]


def test_chains_on_a_module_imported_whole_follow_it() -> None:
    before = """\
        import testcontainers.postgres
        import testcontainers.core.waiting_utils

        def test_it():
            with testcontainers.postgres.PostgresContainer("postgres:16") as pg:
                testcontainers.core.waiting_utils.wait_for_logs(pg, "ready")
                testcontainers.core.container.DockerContainer("redis:7")
        """
    assert migrated(before) == dedent(
        """\
        import dockyard.postgres
        import dockyard.core

        def test_it():
            with dockyard.postgres.PostgresContainer("postgres:16") as pg:
                dockyard.core.wait_for_logs(pg, "ready")
                dockyard.core.DockerContainer("redis:7")
        """
    )


def test_chains_on_an_alias_drop_the_submodules_dockyard_folds_together() -> None:
    before = """\
        import testcontainers.core as tcc
        from testcontainers import core
        from testcontainers.core import waiting_utils as wu

        tcc.container.DockerContainer("x")
        core.waiting_utils.wait_for_logs(c, "x")
        wu.wait_for_logs(c, "x")
        tcc.testcontainers_config.timeout
        """
    assert migrated(before).splitlines()[4:] == [
        'tcc.DockerContainer("x")',
        'core.wait_for_logs(c, "x")',
        'wu.wait_for_logs(c, "x")',
        "tcc.testcontainers_config.timeout",
    ]


def test_chains_keep_what_follows_them() -> None:
    before = """\
        import testcontainers.redis
        client = testcontainers.redis.RedisContainer( "redis:7" ).get_client()  # spaced
        kind = testcontainers.redis.RedisContainer.__mro__[0].__name__
        """
    assert migrated(before) == dedent(
        """\
        import dockyard.redis
        client = dockyard.redis.RedisContainer( "redis:7" ).get_client()  # spaced
        kind = dockyard.redis.RedisContainer.__mro__[0].__name__
        """
    )


def test_chains_into_modules_dockyard_lacks_are_reported() -> None:
    before = """\
        import testcontainers.postgres
        import testcontainers.mysql
        testcontainers.mysql.MySqlContainer()
        testcontainers.kafka.RedpandaContainer()
        """
    assert migrated(before).splitlines() == [
        "import dockyard.postgres",
        "import testcontainers.mysql",
        "testcontainers.mysql.MySqlContainer()",
        "testcontainers.kafka.RedpandaContainer()",
    ]
    assert messages(before) == [
        "2: cannot migrate testcontainers.mysql: Dockyard has no module for testcontainers.mysql",
        "3: cannot migrate testcontainers.mysql.MySqlContainer: "
        "Dockyard has no module for testcontainers.mysql",
        "4: cannot migrate testcontainers.kafka.RedpandaContainer: "
        "Dockyard has no Redpanda container",
    ]


def test_names_that_are_not_bound_to_testcontainers_are_left() -> None:
    before = """\
        from testcontainers.core.container import DockerContainer
        postgres = object()
        postgres.PostgresContainer
        DockerContainer.with_env
        testcontainers.postgres.PostgresContainer
        """
    assert migrated(before) == dedent(before).replace(
        "testcontainers.core.container", "dockyard.core", 1
    )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            'pytest.importorskip("testcontainers.postgres")\n',
            'pytest.importorskip("dockyard.postgres")\n',
        ),
        (
            "postgres = pytest.importorskip('testcontainers.community.postgres', minversion='4')\n",
            "postgres = pytest.importorskip('dockyard.postgres', minversion='4')\n",
        ),
        (
            'monkeypatch.setattr("testcontainers.core.config.testcontainers_config.timeout", 3)\n',
            'monkeypatch.setattr("dockyard.core.testcontainers_config.timeout", 3)\n',
        ),
        (
            'monkeypatch.delattr("testcontainers.core.utils.inside_container")\n',
            'monkeypatch.delattr("dockyard.core.inside_container")\n',
        ),
        (
            '@mock.patch("testcontainers.core.docker_client.DockerClient.host")\ndef f(): ...\n',
            '@mock.patch("dockyard.core.DockerClient.host")\ndef f(): ...\n',
        ),
        (
            'importlib.import_module(r"testcontainers.kafka")\n',
            'importlib.import_module(r"dockyard.kafka")\n',
        ),
        ('pytest.importorskip("testcontainers")\n', 'pytest.importorskip("dockyard")\n'),
    ],
)
def test_dotted_paths_given_to_path_taking_calls_are_rewritten(before: str, after: str) -> None:
    assert migrated(before) == after


def test_paths_that_cannot_be_rewritten_are_reported() -> None:
    before = """\
        pytest.importorskip("testcontainers.mysql")
        pytest.importorskip("testcontainers." "postgres")
        importlib.import_module(f"testcontainers.{name}")
        importlib.import_module("testcontainers." + name)
        sys.modules["testcontainers.core.container"]
        def f(c: "testcontainers.core.container.DockerContainer"): ...
        """
    assert migrated(before) == dedent(before)
    assert messages(before) == [
        "1: cannot migrate 'testcontainers.mysql': Dockyard has no module for testcontainers.mysql",
        "2: write 'testcontainers.postgres' as one plain string to migrate it",
        "3: a testcontainers path built at run time: migrate it by hand",
        "4: a testcontainers path built at run time: migrate it by hand",
        "5: string 'testcontainers.core.container' names testcontainers; not rewritten",
        "6: string 'testcontainers.core.container.DockerContainer' names testcontainers; "
        "not rewritten",
    ]


def test_other_strings_are_left_quietly() -> None:
    before = (
        '"""About testcontainers.postgres and more."""\n'
        'x = "testcontainers"  + "!"\n'
        'version = importlib.metadata.version("testcontainers")\n'
    )
    migration = migrate_source(before)
    assert migration.after == before
    assert migration.findings == ()


def test_private_names_of_upstream_modules_are_reported_not_moved() -> None:
    before = """\
        from testcontainers.core.config import _WARNINGS, testcontainers_config
        monkeypatch.setattr("testcontainers.core.config._WARNINGS", {})
        mock.patch("testcontainers.core.container.DockerContainer.__init__")
        """
    assert migrated(before) == dedent(
        """\
        from testcontainers.core.config import _WARNINGS
        from dockyard.core import testcontainers_config
        monkeypatch.setattr("testcontainers.core.config._WARNINGS", {})
        mock.patch("dockyard.core.DockerContainer.__init__")
        """
    )
    assert messages(before) == [
        "1: cannot migrate testcontainers.core.config._WARNINGS: "
        "_WARNINGS is private to testcontainers.core.config",
        "2: cannot migrate 'testcontainers.core.config._WARNINGS': "
        "_WARNINGS is private to testcontainers.core.config",
    ]


def test_f_strings_are_reported_not_edited() -> None:
    before = 'import testcontainers.postgres\nprint(f"{testcontainers.postgres.__name__}")\n'
    assert (
        migrated(before)
        == 'import dockyard.postgres\nprint(f"{testcontainers.postgres.__name__}")\n'
    )
    assert messages(before) == ["2: testcontainers used inside an f-string: migrate it by hand"]
