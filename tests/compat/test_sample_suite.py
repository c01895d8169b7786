"""A testcontainers-python 4.15 suite, migrated by the command, runs green on Dockyard.

Expected to FAIL until the compatibility names of issue 15 land; the Bazel target is tagged
`manual` until then. Run it with `bazel test //tests/compat:sample_suite_test`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from dockyard.migrate import main

HERE = Path(__file__).resolve().parent


def test_migrated_sample_suite_passes(tmp_path: Path) -> None:
    suite = tmp_path / "sample_suite"
    shutil.copytree(HERE / "sample_suite", suite)
    assert main([str(suite), "--write"]) == 0
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-ra", "-q", str(suite)],
        cwd=suite,
        env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
