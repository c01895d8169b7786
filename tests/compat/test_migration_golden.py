"""The migration of the sample suite is pinned: its diff is checked in.

After a deliberate change to the migration, regenerate the expected diff from this directory:

    PYTHONPATH=../../core python3 -m dockyard.migrate sample_suite > sample_suite.migration.diff
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dockyard.migrate import main

HERE = Path(__file__).resolve().parent
EXPECTED = HERE / "sample_suite.migration.diff"


def test_the_suite_migrates_to_the_checked_in_diff(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(HERE)
    assert main(["sample_suite"]) == 0, "every use in the sample suite must be migratable"
    out, err = capsys.readouterr()
    assert out == EXPECTED.read_text(), "the migration changed: see this file's docstring"
    assert err == "5 file(s) checked, 5 to rewrite\n"


def test_the_migrated_suite_is_stable_and_free_of_testcontainers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suite = tmp_path / "sample_suite"
    shutil.copytree(HERE / "sample_suite", suite)
    assert main([str(suite), "--write"]) == 0
    assert main([str(suite), "--check"]) == 0
    capsys.readouterr()
    for path in sorted(suite.glob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            assert "testcontainers." not in line.replace("testcontainers_config", ""), (
                f"{path.name}:{number}: {line}"
            )
