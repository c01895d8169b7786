"""Prints pip constraints that pin every requirement of a requirements file at its lower bound.

    python lower_bounds.py requirements.in > lowest.txt

tools/python/lock.sh resolves requirements-lowest.lock with these constraints, so the
"lowest" lock holds exactly the oldest versions the declared ranges admit (their own
dependencies are resolved as new as those allow). A requirement without a lower bound is an
error: the lowest lock could not say what it tests.
"""

from __future__ import annotations

import sys
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

_LOWER_BOUND_OPERATORS = (">=", "==", "~=", "===")


class NoLowerBoundError(ValueError):
    """A requirement whose range has no lower end."""


def requirements(text: str) -> list[Requirement]:
    found = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            found.append(Requirement(line))
    return found


def lower_bound(requirement: Requirement) -> str:
    bounds = [s.version for s in requirement.specifier if s.operator in _LOWER_BOUND_OPERATORS]
    if not bounds:
        raise NoLowerBoundError(
            f"{requirement} has no lower bound: declare one (e.g. {requirement.name}>=X.Y) "
            "so the lowest lock tests it"
        )
    # With several (">=1.2,>=1.4") the highest one is the real lower end of the range.
    return max(bounds, key=Version)


def constraints(text: str) -> str:
    # Constraint files take no extras: psycopg[binary] is pinned as psycopg.
    return "".join(f"{r.name}=={lower_bound(r)}\n" for r in requirements(text))


if __name__ == "__main__":
    try:
        sys.stdout.write(constraints(Path(sys.argv[1]).read_text()))
    except NoLowerBoundError as error:
        sys.exit(str(error))
