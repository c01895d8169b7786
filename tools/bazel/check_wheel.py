"""Test run by dockyard_wheel: the wheel holds only its distribution's own `dockyard/<pkg>/` files.

The packages are the ones its pyproject declares (`[tool.setuptools.packages.find] include`,
e.g. `dockyard.core*`): one for a module, core's two (`dockyard.core`, `dockyard.migrate`).

Arguments: the wheel's output directory and the distribution's pyproject.toml.
"""

from __future__ import annotations

import configparser
import sys
import tomllib
import zipfile
from email.parser import HeaderParser
from pathlib import Path
from typing import Any


def declared_packages(config: dict[str, Any]) -> set[str]:
    """`dockyard.core*` → `core`: the packages a pyproject says its distribution holds."""
    include = config["tool"]["setuptools"]["packages"]["find"]["include"]
    return {pattern.removeprefix("dockyard.").rstrip("*") for pattern in include}


def problems(wheel_dir: Path, pyproject: Path) -> list[str]:
    config = tomllib.loads(pyproject.read_text())
    project = config["project"]
    declared = declared_packages(config)
    wheels = sorted(wheel_dir.glob("*.whl"))
    if len(wheels) != 1:
        return [f"expected one wheel in {wheel_dir}, found {wheels}"]
    names = zipfile.ZipFile(wheels[0]).namelist()
    packages = {n.split("/")[1] for n in names if n.startswith("dockyard/") and n.count("/") >= 2}
    found: list[str] = []
    if packages != declared:
        found.append(
            f"wheel must hold the dockyard packages {sorted(declared)} (pyproject), "
            f"holds {sorted(packages)}"
        )
    if "dockyard/__init__.py" in names:
        found.append("wheel holds dockyard/__init__.py; dockyard must stay a namespace package")
    top_level = {f"{m}.py" for m in config["tool"]["setuptools"].get("py-modules", [])}
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
                found.append(f"missing {required}")
    meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
    meta = HeaderParser().parsestr(zipfile.ZipFile(wheels[0]).read(meta_name).decode())
    if (meta["Name"], meta["Version"]) != (project["name"], project["version"]):
        found.append(
            f"METADATA says {meta['Name']} {meta['Version']}, "
            f"pyproject {project['name']} {project['version']}"
        )
    found += entry_point_problems(zipfile.ZipFile(wheels[0]), names, project)
    return found


def entry_point_problems(wheel: zipfile.ZipFile, names: list[str], project: dict[str, Any]) -> list[str]:
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
    print("wheel contents: " + ("FAILED" if found else "ok"))
    sys.exit(1 if found else 0)
