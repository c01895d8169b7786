"""Files as they come: encodings, newlines, non-ASCII text, tabs, no final newline.

Everything the migration does not rewrite must come back byte for byte.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dockyard.migrate import main, migrate_source


def write_and_migrate(tmp_path: Path, data: bytes) -> bytes:
    path = tmp_path / "test_module.py"
    path.write_bytes(data)
    assert main([str(path), "--write"]) == 0
    return path.read_bytes()


def test_crlf_files_keep_crlf_everywhere() -> None:
    before = (
        "import os\r\n"
        "from testcontainers.core.waiting_utils import (\r\n"
        "    wait_for_logs,  # c\r\n"
        ")\r\n"
        "from testcontainers import postgres, mysql\r\n"
        "x = 1\r\n"
    )
    after = migrate_source(before).after
    assert after == (
        "import os\r\n"
        "from dockyard.core import (\r\n"
        "    wait_for_logs,  # c\r\n"
        ")\r\n"
        "from dockyard import postgres\r\n"
        "from testcontainers import mysql\r\n"
        "x = 1\r\n"
    )


def test_lone_carriage_returns_count_as_line_ends() -> None:
    before = "import os\rfrom testcontainers import postgres, mysql\rx = (1,\r 2)\r"
    assert migrate_source(before).after == (
        "import os\rfrom dockyard import postgres\rfrom testcontainers import mysql\rx = (1,\r 2)\r"
    )


def test_non_ascii_text_before_an_edit_on_the_same_line() -> None:
    before = (
        'import testcontainers.postgres\nname = "Grüße, 日本"; '
        "pg = testcontainers.postgres.PostgresContainer(name)\n"
    )
    assert migrate_source(before).after == (
        'import dockyard.postgres\nname = "Grüße, 日本"; '
        "pg = dockyard.postgres.PostgresContainer(name)\n"
    )


def test_tabs_and_no_final_newline() -> None:
    before = "if True:\n\tfrom testcontainers import postgres, mysql"
    assert migrate_source(before).after == (
        "if True:\n\tfrom dockyard import postgres\n\tfrom testcontainers import mysql"
    )


def test_a_latin_1_file_with_its_cookie_stays_latin_1(tmp_path: Path) -> None:
    before = (
        "# -*- coding: latin-1 -*-\n"
        "from testcontainers.postgres import PostgresContainer\n"
        'GREETING = "Grüße"\n'
    ).encode("latin-1")
    after = write_and_migrate(tmp_path, before)
    assert after == before.replace(b"testcontainers.postgres", b"dockyard.postgres")
    assert "Grüße".encode("latin-1") in after


def test_a_byte_order_mark_is_kept(tmp_path: Path) -> None:
    before = b"\xef\xbb\xbfimport testcontainers.redis\nr = testcontainers.redis.RedisContainer()\n"
    after = write_and_migrate(tmp_path, before)
    assert after == b"\xef\xbb\xbfimport dockyard.redis\nr = dockyard.redis.RedisContainer()\n"


def test_crlf_survives_the_write(tmp_path: Path) -> None:
    before = b"from testcontainers.kafka import KafkaContainer\r\n\r\nk = KafkaContainer()\r\n"
    after = write_and_migrate(tmp_path, before)
    assert after == before.replace(b"testcontainers.kafka", b"dockyard.kafka")


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"from testcontainers import (\n", "line 1"),
        (b"# -*- coding: no-such-codec -*-\nx = 1\n", "cannot decode"),
        (b"x = '\xff'\n", "cannot decode"),
        (b"x = 1\0\n", "cannot parse"),
    ],
)
def test_files_that_are_not_python_are_named_and_left(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes, says: str
) -> None:
    path = tmp_path / "broken.py"
    path.write_bytes(data)
    assert main([str(path), "--write"]) == 2
    assert path.read_bytes() == data
    error = capsys.readouterr().err
    assert str(path) in error
    assert says in error
