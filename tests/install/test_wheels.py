"""The released wheels, installed with their declared dependencies, run the modules' examples.

A fresh virtual environment gets every wheel (see installed.py); each `modules/*/examples/*.py`
and `plugins/*/examples/*.py` (pytest suites on dockyard-pytest's fixtures) then runs on that
environment's python, from a copy outside the source tree, with warnings as errors (the
filters of tools/bazel/pytest_main.py), against the real engine.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from installed import (
    ROOT,
    assert_imports_installed,
    distributions,
    fresh_venv,
    install,
    requirement,
    run,
    warning_filters,
    wheelhouse,
)

EXAMPLES = sorted([*ROOT.glob("modules/*/examples/*.py"), *ROOT.glob("plugins/*/examples/*.py")])


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    scratch = tmp_path_factory.mktemp("wheels")
    python = fresh_venv(scratch / "venv")
    wheels = distributions(".whl")
    find_links = [wheelhouse("WHEELHOUSE"), *sorted({w.parent for w in wheels})]
    install(python, scratch, find_links, [requirement(w) for w in wheels], "--only-binary=:all:")
    assert_imports_installed(python, scratch, wheels)
    yield python


def test_every_module_has_examples() -> None:
    modules = {p.name for p in ROOT.glob("modules/*") if (p / "wheel").is_dir()}
    with_examples = {
        p.parent.parent.name for p in EXAMPLES if p.parent.parent.parent.name == "modules"
    }
    assert modules and modules == with_examples


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_example_runs_on_the_installed_wheels(venv: Path, example: Path, tmp_path: Path) -> None:
    copy = tmp_path / "examples"
    shutil.copytree(example.parent, copy)  # files beside it (schema.sql) come along
    filters = [arg for f in warning_filters() for arg in ("-W", f)]
    print(run([venv, *filters, copy / example.name], tmp_path))
