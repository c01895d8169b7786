"""The lock files test what the distributions declare.

requirements.in must repeat every third-party range of the pyproject.toml files exactly;
each lock must pin every requirement inside its range, the lowest lock at the range's lower
bound; packaging.lock's setuptools must satisfy every build-system requirement; and no lock
may carry one machine's pip configuration (find-links, index URLs).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from lower_bounds import lower_bound, requirements
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

HERE = Path(__file__).absolute().parent
ROOT = HERE.parent.parent
PYPROJECTS = sorted(
    [
        ROOT / "core/pyproject.toml",
        *ROOT.glob("modules/*/pyproject.toml"),
        *ROOT.glob("plugins/*/pyproject.toml"),
    ]
)
LOCKS = ["requirements.lock", "requirements-lowest.lock", "requirements-newest.lock"]
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^ \\]+)", re.MULTILINE)


def pins(lock: str) -> dict[str, Version]:
    text = (HERE / lock).read_text()
    return {canonicalize_name(name): Version(version) for name, version in _PIN.findall(text)}


def declared() -> dict[str, list[tuple[str, Requirement]]]:
    """Every third-party requirement of every distribution, by name."""
    found: dict[str, list[tuple[str, Requirement]]] = {}
    for pyproject in PYPROJECTS:
        project = tomllib.loads(pyproject.read_text())["project"]
        lines = list(project.get("dependencies", []))
        for extra in project.get("optional-dependencies", {}).values():
            lines += extra
        for line in lines:
            requirement = Requirement(line)
            if not requirement.name.startswith("dockyard-"):
                key = canonicalize_name(requirement.name)
                found.setdefault(key, []).append((project["name"], requirement))
    return found


INPUTS: dict[str, Requirement] = {
    canonicalize_name(r.name): r for r in requirements((HERE / "requirements.in").read_text())
}


def test_the_pyproject_files_are_found() -> None:
    assert len(PYPROJECTS) >= 4


def test_requirements_in_repeats_every_declared_range() -> None:
    mismatches = []
    for name, uses in declared().items():
        wanted = INPUTS.get(name)
        for distribution, requirement in uses:
            same = wanted is not None and (
                (wanted.specifier, wanted.extras) == (requirement.specifier, requirement.extras)
            )
            if not same:
                mismatches.append(
                    f"{distribution} declares {requirement}, requirements.in {wanted}"
                )
    assert not mismatches, "make tools/python/requirements.in say the same:\n" + "\n".join(
        mismatches
    )


@pytest.mark.parametrize("lock", LOCKS)
def test_every_lock_pins_every_requirement_inside_its_range(lock: str) -> None:
    pinned = pins(lock)
    outside = [
        f"{name}=={pinned.get(name)} is not in {requirement.specifier}"
        for name, requirement in INPUTS.items()
        if name not in pinned or not requirement.specifier.contains(pinned[name], prereleases=True)
    ]
    assert not outside, f"{lock}: run tools/python/lock.sh\n" + "\n".join(outside)


def test_the_lowest_lock_pins_every_lower_bound() -> None:
    pinned = pins("requirements-lowest.lock")
    higher = [
        f"{name}=={pinned.get(name)}, lower bound {lower_bound(requirement)}"
        for name, requirement in INPUTS.items()
        if pinned.get(name) != Version(lower_bound(requirement))
    ]
    assert not higher, "run tools/python/lock.sh lowest:\n" + "\n".join(higher)


def test_the_newest_lock_is_at_least_as_new_as_the_current_one() -> None:
    current, newest = pins("requirements.lock"), pins("requirements-newest.lock")
    older = [
        f"{n}: current {current[n]}, newest {newest[n]}" for n in INPUTS if newest[n] < current[n]
    ]
    assert not older, "run tools/python/lock.sh newest:\n" + "\n".join(older)


def test_the_packaging_lock_satisfies_every_build_backend_requirement() -> None:
    pinned = pins("packaging.lock")
    unmet = []
    for pyproject in PYPROJECTS:
        for line in tomllib.loads(pyproject.read_text())["build-system"]["requires"]:
            requirement = Requirement(line)
            version = pinned.get(canonicalize_name(requirement.name))
            if version is None or version not in requirement.specifier:
                unmet.append(f"{pyproject.parent.name}: {requirement}, packaging.lock {version}")
    assert not unmet, "\n".join(unmet)


@pytest.mark.parametrize("lock", [*LOCKS, "packaging.lock"])
def test_no_lock_carries_a_machines_pip_configuration(lock: str) -> None:
    options = [line for line in (HERE / lock).read_text().splitlines() if line.startswith("-")]
    assert not options, f"{lock} holds {options}: lock.sh must not emit them"
