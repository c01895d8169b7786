"""The released sdists build with their declared backend and install into a fresh environment.

pip builds each sdist in isolation, taking the backend (setuptools) from the packaging
lock's wheelhouse and the dependencies from the chosen lock's; every package then imports
from the environment's site-packages.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from installed import assert_imports_installed, distributions, fresh_venv, install, wheelhouse


def test_sdists_build_and_install(tmp_path: Path) -> None:
    python = fresh_venv(tmp_path / "venv")
    sdists = distributions(".tar.gz")
    backend = tmp_path / "backend"
    backend.mkdir()
    for wheel in wheelhouse("PACKAGING_WHEELHOUSE").glob("setuptools-*.whl"):
        shutil.copy(wheel, backend)
    names = [s.name.removesuffix(".tar.gz").rsplit("-", 1)[0].replace("_", "-") for s in sdists]
    find_links = [wheelhouse("WHEELHOUSE"), backend, *sorted({s.parent for s in sdists})]
    install(python, tmp_path, find_links, names, "--no-binary", ",".join(names))
    assert_imports_installed(python, tmp_path, distributions(".whl"))
