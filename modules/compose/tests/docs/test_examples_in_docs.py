"""docs/modules/compose.md shows the examples exactly as they are run (no engine needed)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
PAGE = ROOT / "docs" / "modules" / "compose.md"
BLOCK = re.compile(r"<!-- example: (\S+) -->\n```\w*\n(.*?)```\n<!-- /example -->", re.DOTALL)


def test_every_example_block_is_the_file_it_names() -> None:
    blocks = BLOCK.findall(PAGE.read_text(encoding="utf-8"))
    assert {path for path, _ in blocks} >= {
        "modules/compose/examples/compose.yaml",
        "modules/compose/examples/quickstart.py",
        "modules/compose/examples/from_testcontainers.py",
    }
    for path, shown in blocks:
        actual = (ROOT / path).read_text(encoding="utf-8")
        assert shown == actual, f"{PAGE.name} shows an old {path}: copy the file into it again"
