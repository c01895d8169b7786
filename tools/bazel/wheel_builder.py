"""Writes a reproducible py3-none-any wheel.

Usage: wheel_builder.py --pyproject P --strip S --out DIR PATH=SHORT_PATH…

Only the standard library: it runs before any third-party package is available.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import re
import sys
import tomllib
import zipfile
from pathlib import Path

_EPOCH = (1980, 1, 1, 0, 0, 0)  # zip's earliest date: keeps the wheel byte-for-byte reproducible


def metadata(project: dict[str, object]) -> str:
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {project['name']}",
        f"Version: {project['version']}",
    ]
    if "description" in project:
        lines.append(f"Summary: {project['description']}")
    if "requires-python" in project:
        lines.append(f"Requires-Python: {project['requires-python']}")
    for requirement in project.get("dependencies", []):  # type: ignore[attr-defined]
        lines.append(f"Requires-Dist: {requirement}")
    for extra, requirements in dict(project.get("optional-dependencies", {})).items():  # type: ignore[call-overload]
        lines.append(f"Provides-Extra: {extra}")
        for requirement in requirements:
            lines.append(f'Requires-Dist: {requirement}; extra == "{extra}"')
    return "\n".join(lines) + "\n"


def entry_points(project: dict[str, object]) -> str | None:
    """entry_points.txt from [project.entry-points] and [project.scripts] (None: there are none)."""
    groups = {str(k): dict(v) for k, v in dict(project.get("entry-points", {})).items()}  # type: ignore[call-overload]
    if project.get("scripts"):
        groups["console_scripts"] = dict(project["scripts"])  # type: ignore[call-overload]
    if not groups:
        return None
    lines: list[str] = []
    for group, entries in sorted(groups.items()):
        lines.append(f"[{group}]")
        lines += [f"{name} = {value}" for name, value in sorted(entries.items())]
        lines.append("")
    return "\n".join(lines)


def record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"sha256={digest},{len(data)}"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pyproject", required=True)
    parser.add_argument("--strip", default="")
    parser.add_argument("--out", required=True)
    parser.add_argument("files", nargs="+")
    options = parser.parse_args(argv)

    project = tomllib.loads(Path(options.pyproject).read_text())["project"]
    name = re.sub(r"[-_.]+", "_", project["name"]).lower()
    dist_info = f"{name}-{project['version']}.dist-info"
    entries: dict[str, bytes] = {}
    for spec in options.files:
        path, short_path = spec.split("=", 1)
        if "__pycache__" in short_path:
            continue
        entries[short_path.removeprefix(options.strip)] = Path(path).read_bytes()
    if any(
        n.count("/") == 1 and n.endswith("/__init__.py") and n.startswith("dockyard/")
        for n in entries
    ):
        print(
            "dockyard/__init__.py must not exist: dockyard is a namespace package", file=sys.stderr
        )
        return 1
    entries[f"{dist_info}/METADATA"] = metadata(project).encode()
    points = entry_points(project)
    if points is not None:  # pytest finds plugins (pytest11, dockyard.pytest) through these
        entries[f"{dist_info}/entry_points.txt"] = points.encode()
    entries[f"{dist_info}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: dockyard wheel_builder\n"
        b"Root-Is-Purelib: true\nTag: py3-none-any\n"
    )
    record = "".join(f"{n},{record_hash(d)}\n" for n, d in sorted(entries.items()))
    entries[f"{dist_info}/RECORD"] = (record + f"{dist_info}/RECORD,,\n").encode()

    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    wheel = out / f"{name}-{project['version']}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry_name, data in sorted(entries.items()):
            info = zipfile.ZipInfo(entry_name, date_time=_EPOCH)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
