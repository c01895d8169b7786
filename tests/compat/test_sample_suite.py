"""A testcontainers-python 4.15 suite, migrated by the command, runs green on Dockyard.

With no other edit than the command's, and with warnings as errors (the exceptions of every
test run here: tools/bazel/pytest_main.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from pytest_main import WARNING_FILTERS

from dockyard.migrate import main

HERE = Path(__file__).resolve().parent


def test_migrated_sample_suite_passes(tmp_path: Path) -> None:
    suite = tmp_path / "sample_suite"
    shutil.copytree(HERE / "sample_suite", suite)
    assert main([str(suite), "--write"]) == 0
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-ra",
            "-q",
            *(arg for f in WARNING_FILTERS for arg in ("-W", f)),
            str(suite),
        ],
        cwd=suite,
        env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
