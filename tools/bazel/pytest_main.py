"""Bazel's entry point for dockyard_test: pytest over the files given as arguments.

Bridges Bazel's test protocol to pytest: test files are runfiles paths, the junit report goes
to $XML_OUTPUT_FILE, `bazel test --test_filter=EXPR` arrives as $TESTBRIDGE_TEST_ONLY and
becomes `-k EXPR`, and pytest's cache stays out of the read-only runfiles tree. The images the
target lists reach the test as DOCKYARD_IMAGE_SUBSTITUTIONS (image_env.py).

Every warning is an error (`-W error`): a deprecation in a dependency is a failure to fix
while the old spelling still works, not a surprise when the new release removes it. The
exceptions below are explicit, each with the reason it cannot be fixed here.

When the target depends on dockyard-pytest (//plugins/pytest), which Bazel puts on sys.path
without the distribution's metadata, the plugin is named in PYTEST_PLUGINS (pytest's own
variable, so the test's pytester runs, subprocesses and xdist workers load it too); the
macro's DOCKYARD_PYTEST_DISCOVERY=namespace lets it find the module plugins among the deps.
"""

from __future__ import annotations

import importlib.util
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from image_env import ImageRecordError, apply_to_process  # noqa: E402

# pytest applies -W filters in order, the later ones winning: errors first, then exceptions.
# Python's own -W takes the same strings; the install test runs the examples with them.
WARNING_FILTERS = [
    "error",
    # kafka-python 3 loads its protocol schemas with importlib.resources.read_text, which
    # Python 3.11 and 3.12 deprecate (3.13 takes the deprecation back). Not ours to change.
    "ignore:read_text is deprecated:DeprecationWarning:kafka.protocol.schemas.load_json",
    # ... and read_text's own call of open_text warns once more, from inside importlib. A
    # read_text from anywhere else still fails on the first warning.
    "ignore:open_text is deprecated:DeprecationWarning:importlib.resources._legacy",
]


PLUGIN = "dockyard.pytest"


def load_dockyard_plugin() -> None:
    """Name dockyard-pytest in PYTEST_PLUGINS when the target has it (never twice)."""
    try:
        present = importlib.util.find_spec(PLUGIN) is not None
    except ImportError:  # no `dockyard` namespace on the path at all
        present = False
    listed = [p.strip() for p in os.environ.get("PYTEST_PLUGINS", "").split(",") if p.strip()]
    if present and PLUGIN not in listed:
        os.environ["PYTEST_PLUGINS"] = ",".join([*listed, PLUGIN])


def main(test_files: list[str]) -> int:
    try:
        apply_to_process()
    except ImageRecordError as error:
        print(f"dockyard_test: {error}", file=sys.stderr)
        return 1
    load_dockyard_plugin()
    runfiles = os.environ.get("TEST_SRCDIR", "")
    workspace = os.environ.get("TEST_WORKSPACE", "")
    root = os.path.join(runfiles, workspace) if runfiles else os.getcwd()
    args = [os.path.join(root, path) for path in test_files]
    args += ["-p", "no:cacheprovider", "-ra", "--rootdir", root]
    for warning_filter in WARNING_FILTERS:
        args += ["-W", warning_filter]
    xml_output = os.environ.get("XML_OUTPUT_FILE")
    if xml_output:
        args += ["--junitxml", xml_output]
    only = os.environ.get("TESTBRIDGE_TEST_ONLY")
    if only:
        args += ["-k", only]
    return int(pytest.main(args))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
