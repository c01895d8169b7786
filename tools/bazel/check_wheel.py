"""Test run by dockyard_wheel: the wheel and sdist hold their distribution's own files, no more.

The packages are the ones its pyproject declares (`[tool.setuptools.packages.find] include`,
e.g. `dockyard.core*`): one for a module, core's two (`dockyard.core`, `dockyard.migrate`).

Arguments: the distribution's output directory (one .whl, one .tar.gz) and its pyproject.toml.
"""

from __future__ import annotations

import configparser
import sys
import tarfile
import tomllib
import zipfile
from email.parser import HeaderParser
from pathlib import Path
from typing import Any

# What setuptools adds to an sdist besides the project's own files.
_SDIST_EXTRAS = {"PKG-INFO", "setup.cfg"}


def declared_packages(config: dict[str, Any]) -> set[str]:
    """`dockyard.core*` → `core`: the packages a pyproject says its distribution holds."""
    include = config["tool"]["setuptools"]["packages"]["find"]["include"]
    return {pattern.removeprefix("dockyard.").rstrip("*") for pattern in include}


def top_level_files(config: dict[str, Any]) -> set[str]:
    """`_dockyard_pytest.py`: the top-level modules a pyproject ships beside dockyard/."""
    return {f"{m}.py" for m in config["tool"].get("setuptools", {}).get("py-modules", [])}


def wheel_problems(
    wheel: Path, project: dict[str, Any], declared: set[str], top_level: set[str]
) -> list[str]:
    names = zipfile.ZipFile(wheel).namelist()
    packages = {n.split("/")[1] for n in names if n.startswith("dockyard/") and n.count("/") >= 2}
    found: list[str] = []
    if packages != declared:
        found.append(
            f"wheel must hold the dockyard packages {sorted(declared)} (pyproject), "
            f"holds {sorted(packages)}"
        )
    if "dockyard/__init__.py" in names:
        found.append("wheel holds dockyard/__init__.py; dockyard must stay a namespace package")
    strays = [
        n
        for n in names
        if not n.startswith("dockyard/") and ".dist-info/" not in n and n not in top_level
    ]
    missing = sorted(top_level - set(names))
    if missing:
        found.append(f"py-modules {missing} of pyproject are not in the wheel")
    if strays:
        found.append(f"files outside dockyard/: {strays}")
    for package in sorted(declared):
        for required in (f"dockyard/{package}/__init__.py", f"dockyard/{package}/py.typed"):
            if required not in names:
                found.append(f"wheel misses {required}")
    if not any(n.endswith(".dist-info/licenses/LICENSE") for n in names):
        found.append("wheel misses the LICENSE under .dist-info/licenses/")
    meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
    meta = HeaderParser().parsestr(zipfile.ZipFile(wheel).read(meta_name).decode())
    if (meta["Name"], meta["Version"]) != (project["name"], project["version"]):
        found.append(
            f"METADATA says {meta['Name']} {meta['Version']}, "
            f"pyproject {project['name']} {project['version']}"
        )
    found += entry_point_problems(zipfile.ZipFile(wheel), names, project)
    return found


def sdist_problems(
    sdist: Path, wheel: Path, project: dict[str, object], top_level: set[str]
) -> list[str]:
    with tarfile.open(sdist) as archive:
        members = [m.name for m in archive.getmembers() if m.isfile()]
    tops = {name.split("/", 1)[0] for name in members}
    expected_top = sdist.name.removesuffix(".tar.gz")
    if tops != {expected_top}:
        return [f"sdist must unpack into {expected_top}/, holds {sorted(tops)}"]
    inside = {name.split("/", 1)[1] for name in members}
    found = []
    wanted = {"pyproject.toml", "LICENSE", str(project.get("readme", "README.md"))}
    wheel_code = {
        n
        for n in zipfile.ZipFile(wheel).namelist()
        if n.startswith("dockyard/") or n in top_level
    }
    missing = sorted((wanted | wheel_code) - inside)
    if missing:
        found.append(f"sdist misses {missing}")
    strays = sorted(
        n
        for n in inside - wanted - wheel_code - _SDIST_EXTRAS
        if not n.split("/", 1)[0].endswith(".egg-info")
    )
    if strays:
        found.append(f"sdist holds files that are not the distribution's: {strays}")
    return found


def problems(dist_dir: Path, pyproject: Path) -> list[str]:
    config = tomllib.loads(pyproject.read_text())
    project = config["project"]
    wheels, sdists = sorted(dist_dir.glob("*.whl")), sorted(dist_dir.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        return [f"expected one wheel and one sdist in {dist_dir}, found {wheels + sdists}"]
    top_level = top_level_files(config)
    return wheel_problems(wheels[0], project, declared_packages(config), top_level) + (
        sdist_problems(sdists[0], wheels[0], project, top_level)
    )


def entry_point_problems(
    wheel: zipfile.ZipFile, names: list[str], project: dict[str, Any]
) -> list[str]:
    """The wheel's entry points are the pyproject's, and each names a module the wheel holds."""
    wanted: dict[str, dict[str, str]] = {
        group: dict(entries) for group, entries in project.get("entry-points", {}).items()
    }
    if project.get("scripts"):
        wanted["console_scripts"] = dict(project["scripts"])
    points_file = next((n for n in names if n.endswith(".dist-info/entry_points.txt")), None)
    parser = configparser.ConfigParser(delimiters=("=",), interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    if points_file is not None:
        parser.read_string(wheel.read(points_file).decode())
    found = {group: dict(parser[group]) for group in parser.sections()}
    if found != wanted:
        return [f"entry points {found} in the wheel, {wanted} in pyproject"]
    problems = []
    for group, entries in wanted.items():
        for name, value in entries.items():
            module = value.split(":", 1)[0].strip()
            path = module.replace(".", "/")
            if f"{path}.py" not in names and f"{path}/__init__.py" not in names:
                problems.append(f"entry point {group}: {name} = {value}: the wheel has no {module}")
    return problems


if __name__ == "__main__":
    found = problems(Path(sys.argv[1]), Path(sys.argv[2]))
    for problem in found:
        print(problem, file=sys.stderr)
    print("distribution contents: " + ("FAILED" if found else "ok"))
    sys.exit(1 if found else 0)
