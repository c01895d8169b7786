"""Test run for every distribution: `ruff check` and `mypy --strict` over its own code.

Arguments: the distribution's directory (e.g. modules/redis) and its pyproject.toml, whose
[tool.ruff] and [tool.mypy] sections are the configuration and whose
[tool.setuptools.packages.find] names the packages to check (core has two), then the source
roots of other Dockyard distributions the code imports (plugins/pytest for a module's pytest
plugin). dockyard.core is on the mypy path so modules type-check against the real core,
never a stub of it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path


def run(title: str, command: list[str], env: dict[str, str]) -> bool:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    status = "ok" if result.returncode == 0 else f"FAILED (exit {result.returncode})"
    print(f"{title}: {status}")
    if result.returncode != 0:
        print(result.stdout + result.stderr)
    return result.returncode == 0


def main(distribution: str, pyproject: str, *roots: str) -> int:
    find = tomllib.loads(Path(pyproject).read_text())["tool"]["setuptools"]["packages"]["find"]
    declared = sorted(pattern.removeprefix("dockyard.").rstrip("*") for pattern in find["include"])
    package_dirs = sorted(p.name for p in (Path(distribution) / "dockyard").iterdir() if p.is_dir())
    if package_dirs != declared:
        print(f"{distribution}/dockyard must hold {declared} (its pyproject), holds {package_dirs}")
        return 1
    scratch = os.environ.get("TEST_TMPDIR", "/tmp")
    env = dict(os.environ, MYPYPATH=os.pathsep.join(dict.fromkeys(["core", distribution, *roots])))
    sources = [str(Path(distribution) / "dockyard")]
    ruff_ok = run(
        f"ruff check {distribution}",
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--config", pyproject, *sources],
        env,
    )
    packages = [argument for name in declared for argument in ("-p", f"dockyard.{name}")]
    mypy_ok = run(
        f"mypy --strict {' '.join(packages)}",
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            pyproject,
            "--cache-dir",
            os.path.join(scratch, "mypy"),
            "--strict",
            *packages,
        ],
        env,
    )
    return 0 if ruff_ok and mypy_ok else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
