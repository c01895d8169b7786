"""Builds one distribution's sdist and wheel with its declared PEP 517 backend, reproducibly.

    build_dist.py --out DIR --project-dir PKG [--perturb] FILE...

FILEs under PKG keep their place relative to it; any other (the repository's LICENSE) goes
to the top of the project, next to pyproject.toml. The copy is
built offline by `python -m build --no-isolation` (pypa/build, with the backend from
tools/python/packaging.lock on the path): first the sdist, then the wheel from the unpacked
sdist, so an incomplete sdist fails here.

Byte-identical on every rebuild: the copies get fixed modes and times, SOURCE_DATE_EPOCH
(from the environment, else 1980-01-01, the earliest time a zip file can hold) dates the
wheel's entries, and the sdist is rewritten with sorted entries, fixed owners and a gzip
header without a time or file name. `--perturb` builds under other conditions, so that the
reproducibility test can compare: a later clock, a restrictive umask from the caller, the
files in reverse order and a deeper scratch directory.
"""

from __future__ import annotations

import argparse
import gzip
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

DEFAULT_EPOCH = 315532800  # 1980-01-01T00:00:00Z


class DistributionBuildError(Exception):
    """The backend failed or produced something other than one sdist and one wheel."""


def stage(project_dir: str, files: list[str], into: Path, epoch: int) -> None:
    prefix = project_dir.rstrip("/") + "/" if project_dir else ""
    for name in files:
        relative = name[len(prefix) :] if name.startswith(prefix) else Path(name).name
        target = into / relative
        if target.exists():
            raise DistributionBuildError(f"{name} would overwrite {relative} in the project")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(name, target)
    for path in [into, *into.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
        os.utime(path, (epoch, epoch))


def normalized_sdist(data: bytes, epoch: int) -> bytes:
    """The same tar.gz with sorted members, fixed times and owners, and a neutral gzip header."""
    members = []
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as source:
        for member in source.getmembers():
            content = source.extractfile(member).read() if member.isfile() else None  # type: ignore[union-attr]
            members.append((member, content))
    out = io.BytesIO()
    with (
        gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=epoch, compresslevel=9) as packed,
        tarfile.open(fileobj=packed, mode="w", format=tarfile.PAX_FORMAT) as target,
    ):
        for member, content in sorted(members, key=lambda pair: pair[0].name):
            member.mtime = epoch
            member.uid = member.gid = 0
            member.uname = member.gname = ""
            member.mode = 0o755 if member.isdir() else 0o644
            member.pax_headers = {}
            target.addfile(member, io.BytesIO(content) if content is not None else None)
    return out.getvalue()


def backend_env(epoch: int) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key in ("PATH", "PYTHONPATH", "SYSTEMROOT", "TMPDIR")
    }
    # Bazel gives the backend's import roots relative to the execroot; the build runs elsewhere.
    roots = [os.path.abspath(p) for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env.update(
        PYTHONPATH=os.pathsep.join(roots),
        SOURCE_DATE_EPOCH=str(epoch),
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONHASHSEED="0",
        LC_ALL="C.UTF-8",
        TZ="UTC",
    )
    return env


def run_build(kind: str, project: Path, outdir: Path, env: dict[str, str]) -> Path:
    """`python -m build --sdist` or `--wheel` of `project`; the one file it made."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--no-isolation",
            kind,
            "--outdir",
            str(outdir),
            str(project),
        ],
        env=env,
        cwd=project.parent,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise DistributionBuildError(
            f"python -m build {kind} failed (exit {result.returncode}):\n"
            f"{result.stdout}{result.stderr}"
        )
    made = sorted(outdir.iterdir())
    if len(made) != 1:
        raise DistributionBuildError(f"python -m build {kind} made {made}, expected one file")
    return made[0]


def unpack(sdist: Path, into: Path, epoch: int) -> Path:
    """The sdist's project directory, with the fixed modes and times of its members."""
    with tarfile.open(sdist) as archive:
        for member in archive.getmembers():
            target = into / member.name
            if ".." in Path(member.name).parts or not (member.isfile() or member.isdir()):
                raise DistributionBuildError(f"unexpected member {member.name} in {sdist.name}")
            if member.isdir():
                target.mkdir(parents=True, exist_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.extractfile(member).read())  # type: ignore[union-attr]
    for path in [into, *into.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
        os.utime(path, (epoch, epoch))
    return into / sdist.name.removesuffix(".tar.gz")


def build(project_dir: str, files: list[str], out: Path, perturb: bool = False) -> list[Path]:
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", DEFAULT_EPOCH))
    env = backend_env(epoch)
    out.mkdir(parents=True, exist_ok=True)
    if perturb:
        time.sleep(1.1)  # zip and tar keep times in seconds
        os.umask(0o077)
        files = files[::-1]
    # The wheel keeps the modes of the files the backend writes (METADATA, RECORD, …).
    os.umask(0o022)
    with tempfile.TemporaryDirectory(prefix="dist-") as scratch_name:
        scratch = Path(scratch_name, *(["deeper", "still"] if perturb else []))
        project = scratch / "project"
        project.mkdir(parents=True)
        stage(project_dir, files, project, epoch)
        raw_sdist = run_build("--sdist", project, scratch / "sdist", env)
        sdist = out / raw_sdist.name
        sdist.write_bytes(normalized_sdist(raw_sdist.read_bytes(), epoch))
        # The wheel comes from the released sdist, as an installer given only the sdist
        # would build it: a file missing from the sdist fails here.
        built_wheel = run_build(
            "--wheel", unpack(sdist, scratch / "unpacked", epoch), scratch / "wheel", env
        )
        wheel = out / built_wheel.name
        shutil.copyfile(built_wheel, wheel)
    return [sdist, wheel]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--project-dir", required=True)
    parser.add_argument("--perturb", action="store_true")
    parser.add_argument("files", nargs="+")
    options = parser.parse_args(argv)
    try:
        build(options.project_dir, options.files, options.out, options.perturb)
    except DistributionBuildError as error:
        print(f"{options.project_dir or '.'}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
