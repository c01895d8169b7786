"""The command: diff by default, --write, --check, exit status, bad input."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from dockyard.migrate import main

UPSTREAM = "from testcontainers.postgres import PostgresContainer\n"
MIGRATED = "from dockyard.postgres import PostgresContainer\n"
UNMAPPED = "from testcontainers.mysql import MySqlContainer\n"


@pytest.fixture
def suite(tmp_path: Path) -> Path:
    root = tmp_path / "suite"
    (root / "nested").mkdir(parents=True)
    (root / "test_a.py").write_text(UPSTREAM)
    (root / "nested" / "test_b.py").write_text("import os\n" + UPSTREAM)
    (root / "nested" / "clean.py").write_text("import os\n")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "test_skip.py").write_text(UPSTREAM)
    (root / "notes.txt").write_text(UPSTREAM)
    return root


def contents(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()}


def test_default_prints_a_diff_and_changes_nothing(
    suite: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = contents(suite)
    monkeypatch.chdir(suite.parent)
    assert main(["suite"]) == 0
    assert contents(suite) == before
    out, err = capsys.readouterr()
    assert out == (
        "--- a/suite/nested/test_b.py\n+++ b/suite/nested/test_b.py\n@@ -1,2 +1,2 @@\n"
        f" import os\n-{UPSTREAM}+{MIGRATED}"
        "--- a/suite/test_a.py\n+++ b/suite/test_a.py\n@@ -1 +1 @@\n"
        f"-{UPSTREAM}+{MIGRATED}"
    )
    assert err == "3 file(s) checked, 2 to rewrite\n"


def test_the_diff_applies_with_git_apply(suite: Path) -> None:
    diff = subprocess.run(
        [sys.executable, "-m", "dockyard.migrate", "suite"],
        cwd=suite.parent,
        capture_output=True,
        text=True,
        check=True,
        env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)),
    ).stdout
    # Outside a repository `git apply` works as `patch -p1` does.
    applied = subprocess.run(
        ["git", "apply", "-p1", "-"], input=diff, cwd=suite.parent, text=True, check=False
    )
    assert applied.returncode == 0
    assert (suite / "test_a.py").read_text() == MIGRATED


def test_write_rewrites_in_place_and_keeps_the_mode(
    suite: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = suite / "test_a.py"
    target.chmod(0o754)
    assert main([str(suite), "--write"]) == 0
    assert target.read_text() == MIGRATED
    assert stat.S_IMODE(target.stat().st_mode) == 0o754
    assert (suite / ".hidden" / "test_skip.py").read_text() == UPSTREAM
    assert (suite / "notes.txt").read_text() == UPSTREAM
    out, err = capsys.readouterr()
    assert out == ""
    assert f"rewrote {target}" in err
    assert not [p for p in suite.rglob(".*") if p.is_file()]
    # The second run has nothing left to do.
    assert main([str(suite), "--check"]) == 0


def test_write_through_a_symlink_rewrites_its_target(tmp_path: Path) -> None:
    real = tmp_path / "real.py"
    real.write_text(UPSTREAM)
    link = tmp_path / "link.py"
    link.symlink_to(real)
    assert main([str(link), "--write"]) == 0
    assert link.is_symlink()
    assert real.read_text() == MIGRATED


def test_check_exits_1_and_changes_nothing(suite: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = contents(suite)
    assert main([str(suite), "--check"]) == 1
    assert contents(suite) == before
    out, err = capsys.readouterr()
    assert out == ""
    assert f"would rewrite {suite / 'test_a.py'}" in err
    assert main([str(suite), "--check", "--diff"]) == 1
    assert "+from dockyard.postgres" in capsys.readouterr().out


def test_unmapped_uses_are_listed_with_file_and_line_and_exit_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "test_mixed.py"
    path.write_text("import os\n" + UPSTREAM + UNMAPPED)
    assert main([str(path), "--write"]) == 3
    assert path.read_text() == "import os\n" + MIGRATED + UNMAPPED
    err = capsys.readouterr().err
    assert (
        f"{path}:3:34: cannot migrate testcontainers.mysql.MySqlContainer: "
        "Dockyard has no module for testcontainers.mysql"
    ) in err
    assert "1 file(s) checked, 1 rewritten, 1 use(s) to migrate by hand" in err
    # What is left stays reported, and --check only fails on changes.
    assert main([str(path), "--check"]) == 3


def test_a_missing_path_is_named_and_nothing_is_written(
    suite: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = contents(suite)
    assert main([str(suite), str(suite / "absent.py"), "--write"]) == 2
    assert contents(suite) == before
    assert f"{suite / 'absent.py'}: no such file or directory" in capsys.readouterr().err


def test_one_file_that_does_not_parse_stops_every_write(
    suite: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (suite / "test_broken.py").write_text("def broken(:\n")
    before = contents(suite)
    assert main([str(suite), "--write"]) == 2
    assert contents(suite) == before
    err = capsys.readouterr().err
    assert f"{suite / 'test_broken.py'}: cannot parse it as Python: line 1" in err


def test_write_and_check_exclude_each_other(
    suite: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(suite), "--write", "--check"]) == 2
    assert "exclude each other" in capsys.readouterr().err


def test_usage_errors_and_help_return_statuses(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert main(["--help"]) == 0
    assert "exit status:" in capsys.readouterr().out
    assert main(["--help"], prog="dockyard migrate") == 0
    assert capsys.readouterr().out.startswith("usage: dockyard migrate")


def test_python_dash_m_runs_the_command(tmp_path: Path) -> None:
    path = tmp_path / "test_x.py"
    path.write_text(UNMAPPED)
    result = subprocess.run(
        [sys.executable, "-m", "dockyard.migrate", str(path)],
        capture_output=True,
        text=True,
        check=False,
        env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)),
    )
    assert result.returncode == 3
    assert f"{path}:1:34: cannot migrate" in result.stderr
