"""Splits a pip --target directory into one Bazel package per distribution.

Run by the pip_lock repository rule: `python3 pip_generate_build.py SITE REPO_NAME`.
Each distribution's files (from its RECORD) move to `<dist>/site/`, and `<dist>/BUILD.bazel`
gets a py_library whose deps are the distribution's requirements that apply on this
interpreter (markers evaluated, extras ignored), so importing a library pulls in exactly
what it needs. The root package's `:wheelhouse` holds the wheels pip installed from.
"""

from __future__ import annotations

import csv
import shutil
import sys
from email.parser import HeaderParser
from pathlib import Path

from pip._vendor.packaging.requirements import Requirement  # pip ships with python3-pip
from pip._vendor.packaging.utils import canonicalize_name


def bazel_name(distribution: str) -> str:
    return canonicalize_name(distribution).replace("-", "_")


def distribution_files(site: Path, dist_info: Path) -> list[Path]:
    with open(dist_info / "RECORD", newline="") as record:
        rows = [row[0] for row in csv.reader(record) if row]
    # pip --target records scripts as ../../bin/NAME; they live in SITE/bin, where tools
    # such as ruff look for their binary next to their package.
    return [
        site / entry.removeprefix("../../")
        for entry in rows
        if not entry.startswith("../") or entry.startswith("../../bin/")
    ]


def requirements_of(dist_info: Path) -> list[str]:
    metadata = HeaderParser().parsestr((dist_info / "METADATA").read_text())
    needed = []
    for line in metadata.get_all("Requires-Dist") or []:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            needed.append(requirement.name)
    return needed


def main(site_dir: str, repo_name: str) -> None:
    site = Path(site_dir).resolve()
    root = site.parent
    dist_infos = sorted(site.glob("*.dist-info"))
    metadata = {
        bazel_name(HeaderParser().parsestr((d / "METADATA").read_text())["Name"]): d
        for d in dist_infos
    }
    for name, dist_info in metadata.items():
        deps = sorted({bazel_name(r) for r in requirements_of(dist_info)} & metadata.keys())
        package = root / name
        for source in distribution_files(site, dist_info):
            if not source.exists():
                continue
            target = package / "site" / source.relative_to(site)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(source), target)
        dep_labels = "".join(f'        "//{dep}",\n' for dep in deps)
        (package / "BUILD.bazel").write_text(
            f"""# Generated from the lock file; do not edit.
package(default_visibility = ["//visibility:public"])

py_library(
    name = "{name}",
    srcs = glob(["site/**/*.py"], allow_empty = True),
    data = glob(["site/**"], exclude = ["site/**/*.py", "site/**/__pycache__/**"]),
    imports = ["site"],
    deps = [
{dep_labels}    ],
)
"""
        )
    (root / "BUILD.bazel").write_text(
        f"""# Generated: one package per distribution of {repo_name}'s lock file.
package(default_visibility = ["//visibility:public"])

# The lock's wheels, for `pip install --no-index --find-links` (the install test).
filegroup(
    name = "wheelhouse",
    srcs = glob(["wheelhouse/*.whl"]),
)
"""
    )
    (root / "WORKSPACE").write_text(f'workspace(name = "{repo_name}")\n')
    leftovers = [p for p in site.rglob("*") if p.is_file()]
    if leftovers:
        print(f"files belonging to no distribution: {leftovers[:5]}", file=sys.stderr)
    shutil.rmtree(site)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
