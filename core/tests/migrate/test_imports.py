"""Import statements: what moves, what stays byte for byte, and what is reported."""

from __future__ import annotations

import ast
from textwrap import dedent

import pytest

from dockyard.migrate import migrate_source


def migrated(text: str) -> str:
    return migrate_source(dedent(text)).after


def messages(text: str) -> list[str]:
    return [f"{f.line}: {f.message}" for f in migrate_source(dedent(text)).findings]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("import testcontainers.postgres\n", "import dockyard.postgres\n"),
        ("import testcontainers.core.container as tc\n", "import dockyard.core as tc\n"),
        (
            "from testcontainers.core.container import DockerContainer\n",
            "from dockyard.core import DockerContainer\n",
        ),
        (
            "from testcontainers.core.waiting_utils import wait_for_logs as wfl\n",
            "from dockyard.core import wait_for_logs as wfl\n",
        ),
        (
            "from testcontainers.community.postgres import PostgresContainer\n",
            "from dockyard.postgres import PostgresContainer\n",
        ),
        (
            "from testcontainers.community.redis import AsyncRedisContainer\n",
            "from dockyard.redis import AsyncRedisContainer\n",
        ),
        (
            "from testcontainers.kafka import kafka_config\n",
            "from dockyard.kafka import kafka_config\n",
        ),
        (
            "from testcontainers.compose import DockerCompose\n",
            "from dockyard.compose import DockerCompose\n",
        ),
        (
            "from testcontainers.generic import ServerContainer\n",
            "from dockyard.core import ServerContainer\n",
        ),
        (
            "from testcontainers.community.generic.sql import SqlContainer\n",
            "from dockyard.core import SqlContainer\n",
        ),
        (
            "from testcontainers.core import testcontainers_config\n",
            "from dockyard.core import testcontainers_config\n",
        ),
        ("from testcontainers import postgres\n", "from dockyard import postgres\n"),
        ("from testcontainers.community import kafka as k\n", "from dockyard import kafka as k\n"),
        (
            "from testcontainers.core import waiting_utils\n",
            "from dockyard import core as waiting_utils\n",
        ),
        ("from testcontainers.core import config as cfg\n", "from dockyard import core as cfg\n"),
        ("from testcontainers.core import core\n", "from dockyard.core import core\n"),
    ],
)
def test_single_statements(before: str, after: str) -> None:
    assert migrated(before) == after


def test_every_core_module_goes_to_dockyard_core() -> None:
    for name in (
        "config",
        "container",
        "docker_client",
        "exceptions",
        "image",
        "inspect",
        "labels",
        "network",
        "transferable",
        "utils",
        "wait_strategies",
        "waiting_utils",
    ):
        assert (
            migrated(f"from testcontainers.core.{name} import X\n")
            == "from dockyard.core import X\n"
        )


def test_parenthesised_multi_line_import_keeps_its_layout_and_comments() -> None:
    before = """\
        from testcontainers.core.waiting_utils import (  # why we wait
            wait_for_logs,  # logs first
            # a comment line of its own
            wait_container_is_ready as ready,
        )
        """
    assert migrated(before) == dedent(before).replace(
        "testcontainers.core.waiting_utils", "dockyard.core"
    )


def test_only_the_module_part_changes_in_odd_spacing() -> None:
    before = "from  testcontainers . postgres  import  (PostgresContainer )\n"
    assert migrated(before) == "from  dockyard.postgres  import  (PostgresContainer )\n"


def test_backslash_continuation_stays() -> None:
    before = "from testcontainers.redis \\\n    import RedisContainer\n"
    assert migrated(before) == "from dockyard.redis \\\n    import RedisContainer\n"


def test_mixed_from_import_splits_into_one_statement_per_target() -> None:
    before = """\
        def fixture():
            from testcontainers.core import waiting_utils, testcontainers_config  # noqa: F401
            return 1
        """
    assert migrated(before) == dedent(
        """\
        def fixture():
            from dockyard import core as waiting_utils  # noqa: F401
            from dockyard.core import testcontainers_config
            return 1
        """
    )


def test_names_dockyard_lacks_stay_on_the_upstream_module_and_are_reported() -> None:
    before = "from testcontainers.kafka import RedpandaContainer, KafkaContainer, kafka_config\n"
    assert migrated(before) == (
        "from testcontainers.kafka import RedpandaContainer\n"
        "from dockyard.kafka import KafkaContainer, kafka_config\n"
    )
    assert messages(before) == [
        "1: cannot migrate testcontainers.kafka.RedpandaContainer: "
        "Dockyard has no Redpanda container"
    ]


def test_moved_name_in_a_parenthesised_list_leaves_the_comments() -> None:
    before = """\
        from testcontainers import (
            postgres,  # the database
            mysql,  # not in Dockyard
            redis,
        )
        """
    assert migrated(before) == dedent(
        """\
        from dockyard import (
            postgres,  # the database
            # not in Dockyard
            redis,
        )
        from testcontainers import mysql
        """
    )


def test_moved_last_names_take_their_separators() -> None:
    assert migrated("from testcontainers import postgres, mysql, mongodb\n") == (
        "from dockyard import postgres\nfrom testcontainers import mysql, mongodb\n"
    )
    assert migrated("from testcontainers import postgres, mysql, redis\n") == (
        "from dockyard import postgres, redis\nfrom testcontainers import mysql\n"
    )
    assert migrated("from testcontainers import (postgres, mysql)\n") == (
        "from dockyard import (postgres)\nfrom testcontainers import mysql\n"
    )
    multi_line = "from testcontainers import (\n    postgres,\n    mysql\n)\n"
    assert migrated(multi_line) == (
        "from dockyard import (\n    postgres\n)\nfrom testcontainers import mysql\n"
    )


def test_a_statement_sharing_its_line_gets_its_companions_after_a_semicolon() -> None:
    before = "import os; from testcontainers import postgres, mysql; x = 1\n"
    assert migrated(before) == (
        "import os; from dockyard import postgres; from testcontainers import mysql; x = 1\n"
    )
    one_line_block = "if True: from testcontainers.core import utils, testcontainers_config\n"
    assert migrated(one_line_block) == (
        "if True: from dockyard import core as utils; "
        "from dockyard.core import testcontainers_config\n"
    )


def test_import_lists_rewrite_each_name_in_place() -> None:
    before = "import os, testcontainers.postgres as pg, testcontainers.mysql, sys\n"
    assert migrated(before) == "import os, dockyard.postgres as pg, testcontainers.mysql, sys\n"
    assert messages(before) == [
        "1: cannot migrate testcontainers.mysql: Dockyard has no module for testcontainers.mysql"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "from . import postgres\n",
        "from .testcontainers import postgres\n",
        "from ..testcontainers.postgres import PostgresContainer\n",
        "import testcontainers_extra\n",
        "from testcontainers_extra import thing\n",
        "import dockyard.postgres\n",
        "from dockyard.core import DockerContainer\n",
    ],
)
def test_other_imports_are_untouched(text: str) -> None:
    migration = migrate_source(text)
    assert migration.after == text
    assert migration.findings == ()


def test_star_imports_are_reported_and_left() -> None:
    before = "from testcontainers.postgres import *\n"
    assert migrated(before) == before
    assert messages(before) == [
        "1: cannot migrate a star import from testcontainers.postgres: import the names you use "
        "by name, then run the migration again"
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("import testcontainers.mysql\n", "Dockyard has no module for testcontainers.mysql"),
        (
            "from testcontainers.community.mongodb import MongoDbContainer\n",
            "Dockyard has no module for testcontainers.community.mongodb",
        ),
        ("from testcontainers.core.generic import DbContainer\n", "DbContainer is deprecated"),
        ("from testcontainers.core.auth import parse_docker_auth_config\n", "internal"),
        ("from testcontainers.core.container import Reaper\n", "the reaper is internal"),
    ],
)
def test_modules_dockyard_lacks_are_reported_and_left(text: str, reason: str) -> None:
    migration = migrate_source(text)
    assert migration.after == text
    assert len(migration.findings) == 1
    assert reason in migration.findings[0].message
    assert migration.findings[0].line == 1


def test_migrating_twice_changes_nothing_more() -> None:
    before = """\
        import testcontainers.postgres
        from testcontainers.core import waiting_utils, testcontainers_config
        from testcontainers import postgres, mysql
        from testcontainers.kafka import RedpandaContainer, KafkaContainer

        testcontainers.postgres.PostgresContainer()
        """
    once = migrated(before)
    twice = migrate_source(once)
    assert twice.after == once
    ast.parse(once)
