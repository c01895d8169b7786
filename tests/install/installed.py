"""Fresh virtual environments with the released distributions, as a user installs them.

Shared by test_wheels.py and test_sdists.py. `pip install --no-index --find-links` resolves
the distributions' declared dependencies from the chosen lock's wheelhouse only, so a range
that excludes the lock's version fails; pip's configuration and the test's PYTHONPATH stay
out, so nothing of the source tree or an index is reachable.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import zipfile
from email.parser import HeaderParser
from pathlib import Path

ROOT = Path(__file__).absolute().parent.parent.parent  # the runfiles' workspace directory

# The extras a user of each distribution picks; the postgres examples need a driver.
EXTRAS = {"dockyard-postgres": "[psycopg2]"}


def warning_filters() -> list[str]:
    """The -W filters every test runs with (pytest_main.py's list: errors, and the exceptions)."""
    spec = importlib.util.spec_from_file_location(
        "pytest_main", ROOT / "tools/bazel/pytest_main.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(module.WARNING_FILTERS)


def wheelhouse(variable: str) -> Path:
    """The directory of the wheels Bazel lists in `variable` (see BUILD.bazel)."""
    files = os.environ[variable].split()
    directories = {(ROOT / f).parent for f in files}
    assert len(directories) == 1, f"{variable} spans {directories}"
    return directories.pop()


def distributions(suffix: str) -> list[Path]:
    """The distributions built by Bazel: ours, not the third-party wheelhouses (Bazel may
    also link those under ROOT/external)."""
    found = sorted(
        p for p in ROOT.rglob(f"*{suffix}") if p.relative_to(ROOT).parts[0] != "external"
    )
    assert found, f"no *{suffix} under {ROOT}"
    return found


_SOURCE_TREE_PLUGINS = ("PYTEST_PLUGINS", "DOCKYARD_PYTEST_DISCOVERY")


def clean_env(**extra: str) -> dict[str, str]:
    """The test's environment without anything that would reach the source tree or an index."""
    # Nor the Bazel launcher's ways of loading dockyard-pytest: installed, its entry points
    # alone must find it and the modules' plugins.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTHON", "PIP_")) and k not in _SOURCE_TREE_PLUGINS
    }
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1", **extra)
    return env


def run(command: list[str | Path], cwd: Path, timeout: float = 600) -> str:
    result = subprocess.run(
        [str(c) for c in command],
        cwd=cwd,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{' '.join(map(str, command))} failed:\n{output}"
    return output


def requirement(wheel: Path) -> str:
    with zipfile.ZipFile(wheel) as archive:
        metadata = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        meta = HeaderParser().parsestr(archive.read(metadata).decode())
    return f"{meta['Name']}{EXTRAS.get(meta['Name'], '')}=={meta['Version']}"


def packages(wheels: list[Path]) -> list[str]:
    """The import names the wheels provide: dockyard.core, dockyard.redis, …"""
    names = set()
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            names |= {
                "dockyard." + n.split("/")[1]
                for n in archive.namelist()
                if n.startswith("dockyard/") and n.count("/") >= 2
            }
    return sorted(names)


def fresh_venv(path: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True, env=clean_env())
    return path / "bin" / "python"


def install(
    python: Path, scratch: Path, find_links: list[Path], names: list[str], *pip: str
) -> None:
    links = [arg for directory in find_links for arg in ("--find-links", str(directory))]
    run(
        [python, "-m", "pip", "install", "--no-cache-dir", "--no-index", *links, *pip, *names],
        scratch,
    )
    run([python, "-m", "pip", "check"], scratch)


def assert_imports_installed(python: Path, scratch: Path, wheels: list[Path]) -> None:
    """Each package comes from the environment's site-packages, not from anywhere else."""
    modules = packages(wheels)
    script = (
        "import importlib, sys\nfor m in sys.argv[1:]: print(importlib.import_module(m).__file__)"
    )
    files = run([python, "-c", script, *modules], scratch).split()
    site = str(python.parent.parent / "lib")
    assert len(files) == len(modules), (modules, files)
    assert all(f.startswith(site) for f in files), f"imported from outside the venv: {files}"
