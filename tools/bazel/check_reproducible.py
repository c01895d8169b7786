"""Test run by dockyard_wheel: a distribution built again has the same bytes.

Arguments: two or more output directories of the same distribution, the first built as
released, the others by the same build under other conditions (`perturb = True`: a later
clock, another umask, its inputs in another order, a deeper scratch directory). Every file
must be byte-identical in all of them.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path


def digests(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


def main(directories: list[str]) -> int:
    builds = {directory: digests(Path(directory)) for directory in directories}
    for directory, files in builds.items():
        for name, sha in files.items():
            print(f"{sha}  {name}  ({directory})")
    first = builds[directories[0]]
    differ = [d for d, files in builds.items() if files != first]
    if not first or differ:
        print(f"reproducible: FAILED: {differ or directories} differ from {directories[0]}")
        return 1
    print(f"reproducible: ok ({len(first)} files, {len(builds)} builds)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
