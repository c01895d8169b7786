"""The Bazel Python setup itself: pinned interpreter, namespace rules, third-party packages."""

import sys


def test_runs_on_the_pinned_interpreter() -> None:
    assert sys.executable.startswith("/usr/bin/python3") or sys.base_prefix == "/usr"


def test_third_party_packages_import() -> None:
    import pytest  # noqa: F401
