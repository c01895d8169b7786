"""Test run by dockyard_wheel: the distribution's metadata is complete and an index accepts it.

Arguments: the distribution's output directory (one .whl, one .tar.gz) and its pyproject.toml
(with the readme it names beside it). `twine check --strict` validates both files as the
package index does before an upload (the long description must render); then every field
pyproject.toml declares must be in the wheel's METADATA as declared, and the sdist's PKG-INFO
must say the same as the wheel.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tomllib
import zipfile
from email.message import Message
from email.parser import HeaderParser
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement

_CONTENT_TYPES = {".md": "text/markdown", ".rst": "text/x-rst", ".txt": "text/plain"}


def twine_check(files: list[Path]) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-m", "twine", "--no-color", "check", "--strict", *map(str, files)],
        capture_output=True,
        text=True,
    )
    if result.returncode == 0:
        return []
    return [f"twine check --strict failed:\n{result.stdout}{result.stderr}"]


def wheel_metadata(wheel: Path) -> Message:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return HeaderParser().parsestr(archive.read(name).decode())


def sdist_metadata(sdist: Path) -> Message:
    with tarfile.open(sdist) as archive:
        member = archive.extractfile(sdist.name.removesuffix(".tar.gz") + "/PKG-INFO")
        assert member is not None
        return HeaderParser().parsestr(member.read().decode())


def requirement_set(lines: list[str]) -> set[str]:
    return {str(Requirement(line)) for line in lines}


def declared_requirements(project: dict[str, Any]) -> set[str]:
    lines = list(project.get("dependencies", []))
    for extra, requirements in project.get("optional-dependencies", {}).items():
        lines += [f'{requirement}; extra == "{extra}"' for requirement in requirements]
    return requirement_set(lines)


def metadata_problems(meta: Message, project: dict[str, Any], readme: Path) -> list[str]:
    found = []

    def expect(field: str, got: object, wanted: object) -> None:
        if got != wanted:
            found.append(f"{field}: METADATA has {got!r}, pyproject.toml declares {wanted!r}")

    expect("Summary", meta["Summary"], project.get("description"))
    expect("Requires-Python", meta["Requires-Python"], project.get("requires-python"))
    expect("License-Expression", meta["License-Expression"], project.get("license"))
    expect("Classifier", meta.get_all("Classifier"), project.get("classifiers"))
    expect("Keywords", meta["Keywords"], ",".join(project.get("keywords", [])) or None)
    urls = [f"{label}, {url}" for label, url in project.get("urls", {}).items()]
    expect("Project-URL", meta.get_all("Project-URL"), urls or None)
    expect(
        "Requires-Dist",
        requirement_set(meta.get_all("Requires-Dist") or []),
        declared_requirements(project),
    )
    expect(
        "Provides-Extra",
        sorted(meta.get_all("Provides-Extra") or []),
        sorted(project.get("optional-dependencies", {})),
    )
    expect(
        "Description-Content-Type",
        meta["Description-Content-Type"],
        _CONTENT_TYPES.get(readme.suffix),
    )
    if str(meta.get_payload()).strip() != readme.read_text().strip():
        found.append(f"the long description is not {readme.name}")
    # What makes a release page complete, whatever pyproject.toml says.
    for field in ("License-Expression", "Project-URL", "Classifier", "Summary"):
        if not meta.get_all(field):
            found.append(f"METADATA has no {field}: declare it in pyproject.toml")
    if "Typing :: Typed" not in (meta.get_all("Classifier") or []):
        found.append("the package ships py.typed: classify it as 'Typing :: Typed'")
    return found


def problems(dist_dir: Path, pyproject: Path) -> list[str]:
    project = tomllib.loads(pyproject.read_text())["project"]
    wheels, sdists = sorted(dist_dir.glob("*.whl")), sorted(dist_dir.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        return [f"expected one wheel and one sdist in {dist_dir}, found {wheels + sdists}"]
    found = twine_check([sdists[0], wheels[0]])
    meta = wheel_metadata(wheels[0])
    found += metadata_problems(meta, project, pyproject.parent / project.get("readme", "README.md"))
    if sorted(meta.items()) != sorted(sdist_metadata(sdists[0]).items()):
        found.append("the sdist's PKG-INFO and the wheel's METADATA differ")
    return found


if __name__ == "__main__":
    found = problems(Path(sys.argv[1]), Path(sys.argv[2]))
    for problem in found:
        print(problem, file=sys.stderr)
    print("distribution metadata: " + ("FAILED" if found else "ok"))
    sys.exit(1 if found else 0)
