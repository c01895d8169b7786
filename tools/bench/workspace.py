"""The test run's image substitutions, for a benchmark started with ``bazel run``.

``bazel run`` does not apply ``--test_env``, so the line that ``.bazelrc`` gives every test
is read from the same file here: one source for tests, demo and benchmark.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

__all__ = ["SUBSTITUTIONS", "SubstitutionsNotFound", "image_substitutions", "workspace_root"]

SUBSTITUTIONS = "DOCKYARD_IMAGE_SUBSTITUTIONS"
_LINE = re.compile(rf"--test_env={SUBSTITUTIONS}=(\S+)")


class SubstitutionsNotFound(RuntimeError):
    """Neither the environment nor the workspace's .bazelrc says which local images to use."""


def workspace_root() -> Path | None:
    """The checkout: ``$BUILD_WORKSPACE_DIRECTORY``, else the first parent with a .bazelrc."""
    named = os.environ.get("BUILD_WORKSPACE_DIRECTORY")
    if named:
        return Path(named)
    for parent in Path(__file__).resolve().parents:
        if (parent / ".bazelrc").is_file() and (parent / "WORKSPACE").is_file():
            return parent
    return None


def image_substitutions() -> str:
    """``$DOCKYARD_IMAGE_SUBSTITUTIONS`` if set, else the value .bazelrc sets for tests."""
    value = os.environ.get(SUBSTITUTIONS)
    if value:
        return value
    root = workspace_root()
    if root is not None:
        match = _LINE.search((root / ".bazelrc").read_text())
        if match:
            return match.group(1)
    raise SubstitutionsNotFound(
        f"No image substitutions: set {SUBSTITUTIONS} (as .bazelrc does for tests) or run the "
        "benchmark from a checkout with `bazel run //tools/bench:cycles`."
    )
