"""examples/monorepo consumes Dockyard through the documented lines only, and its tests pass.

It is a separate workspace (local_repository to this checkout, dockyard_dependencies(), its
own pip hub, no workspace-wide flags) whose two packages test against real PostgreSQL and
Redis through the public macros; this runs `bazel test //...` in it.
"""

from __future__ import annotations

from pathlib import Path

from conftest import NestedBazel


def test_the_example_workspace_passes(repo: Path) -> None:
    bazel = NestedBazel(repo / "examples" / "monorepo")
    run = bazel.run("test", "//...")
    assert run.returncode == 0, run.tail()
    results = run.results()
    for target in ("//orders:test_store", "//sessions:test_cache"):
        assert results.get(target, "").endswith("PASSED"), run.tail()
    print(f"nested bazel test //...: {run.seconds:.1f}s, {results}")


def test_the_example_needs_no_workspace_wide_flags(repo: Path) -> None:
    example = repo / "examples" / "monorepo"
    bazelrc = (example / ".bazelrc").read_text()
    assert "--incompatible_default_to_explicit_init_py" not in bazelrc
    assert "DOCKYARD_IMAGE_SUBSTITUTIONS" not in bazelrc
    workspace = (example / "WORKSPACE").read_text()
    assert "@dockyard//tools/bazel:deps.bzl" in workspace
    assert "register_toolchains" not in workspace
