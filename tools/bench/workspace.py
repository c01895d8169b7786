"""The test run's image substitutions, for a benchmark started with ``bazel run``.

``bazel run`` gives a binary none of the test environment, so the substitutions come from
the one image manifest (tools/images/images.toml) of the checkout, as for tests and demo.
"""

from __future__ import annotations

import os
from pathlib import Path

from image_manifest import substitutions

__all__ = ["SUBSTITUTIONS", "SubstitutionsNotFound", "image_substitutions", "workspace_root"]

SUBSTITUTIONS = "DOCKYARD_IMAGE_SUBSTITUTIONS"
MANIFEST = Path("tools/images/images.toml")


class SubstitutionsNotFound(RuntimeError):
    """Neither the environment nor the checkout's image manifest says which images to use."""


def workspace_root() -> Path | None:
    """The checkout: ``$BUILD_WORKSPACE_DIRECTORY``, else the first parent with the manifest."""
    named = os.environ.get("BUILD_WORKSPACE_DIRECTORY")
    if named:
        return Path(named)
    for parent in Path(__file__).resolve().parents:
        if (parent / MANIFEST).is_file() and (parent / "WORKSPACE").is_file():
            return parent
    return None


def image_substitutions() -> str:
    """``$DOCKYARD_IMAGE_SUBSTITUTIONS`` if set, else every local image of the manifest."""
    value = os.environ.get(SUBSTITUTIONS)
    if value:
        return value
    root = workspace_root()
    if root is not None and (root / MANIFEST).is_file():
        return str(substitutions(root / MANIFEST))
    raise SubstitutionsNotFound(
        f"No image substitutions: set {SUBSTITUTIONS} or run the benchmark from a checkout "
        "with `bazel run //tools/bench:cycles`."
    )
