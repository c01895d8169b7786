"""Test run for every distribution: `ruff check` and `mypy --strict` over its own code.

Arguments: the distribution's directory (e.g. modules/redis) and its pyproject.toml, whose
[tool.ruff] and [tool.mypy] sections are the configuration. dockyard.core is on the mypy
path so modules type-check against the real core, never a stub of it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run(title: str, command: list[str], env: dict[str, str]) -> bool:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    status = "ok" if result.returncode == 0 else f"FAILED (exit {result.returncode})"
    print(f"{title}: {status}")
    if result.returncode != 0:
        print(result.stdout + result.stderr)
    return result.returncode == 0


def main(distribution: str, pyproject: str) -> int:
    package_dirs = sorted(p.name for p in (Path(distribution) / "dockyard").iterdir() if p.is_dir())
    if len(package_dirs) != 1:
        print(f"{distribution}/dockyard must hold exactly one package, holds {package_dirs}")
        return 1
    package = f"dockyard.{package_dirs[0]}"
    scratch = os.environ.get("TEST_TMPDIR", "/tmp")
    env = dict(os.environ, MYPYPATH=os.pathsep.join(dict.fromkeys(["core", distribution])))
    sources = [str(Path(distribution) / "dockyard")]
    ruff_ok = run(
        f"ruff check {distribution}",
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--config", pyproject, *sources],
        env,
    )
    mypy_ok = run(
        f"mypy --strict -p {package}",
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            pyproject,
            "--cache-dir",
            os.path.join(scratch, "mypy"),
            "--strict",
            "-p",
            package,
        ],
        env,
    )
    return 0 if ruff_ok and mypy_ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
