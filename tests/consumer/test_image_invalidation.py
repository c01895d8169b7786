"""An image is a Bazel input: change its recipe and exactly the tests that list it re-run.

A scratch consumer workspace holds a one-file image (FROM Dockyard's base, COPY marker) in
a manifest of its own, a test that lists it and reads the marker inside a container started
by its upstream name, and a test that does not list it. Bazel runs three times: a fresh
marker (the image is built and the probe runs), nothing changed (both cached), the marker
changed (the image is rebuilt, the probe runs again and sees the new marker, the other test
stays cached).
"""

from __future__ import annotations

import hashlib
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CACHE, NestedBazel
from image_manifest import local_image

BUILD = """\
load("@dockyard//tools/bazel:defs.bzl", "dockyard_test")
load("@dockyard//tools/bazel:image.bzl", "dockyard_image")

dockyard_image(
    name = "probe",
    image = "probe",
    manifest = "images.toml",
    recipe = glob(["probe/**"]),
)

dockyard_test(
    name = "test_probe",
    srcs = ["test_probe.py"],
    images = [":probe"],
    deps = ["@dockyard//core"],
)

dockyard_test(
    name = "test_unrelated",
    srcs = ["test_unrelated.py"],
    docker = False,
)
"""

PROBE_TEST = """\
import os
from pathlib import Path

from dockyard.core import DockerContainer


def test_reads_the_marker_of_the_image_it_lists() -> None:
    with DockerContainer("dockyard-probe:1").with_command(["sleep", "60"]) as probe:
        result = probe.exec(["cat", "/marker"])
    assert result.exit_code == 0
    outputs = Path(os.environ["TEST_UNDECLARED_OUTPUTS_DIR"])
    (outputs / "marker.txt").write_bytes(result.output)
"""

UNRELATED_TEST = """\
def test_nothing_to_do_with_images() -> None:
    assert True
"""


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


@pytest.fixture()
def workspace(repo: Path) -> Iterator[tuple[Path, str]]:
    key = hashlib.sha256(str(repo).encode()).hexdigest()[:12]
    root = CACHE / f"probe-{key}" / "workspace"
    tag = f"dockyard.local/bazel-probe-{key}:1"
    write(
        root / "WORKSPACE",
        f"""workspace(name = "probe")
local_repository(name = "dockyard", path = "{repo}")
load("@dockyard//tools/bazel:deps.bzl", "dockyard_dependencies")
dockyard_dependencies(requirement = "@pip//{{}}", test_images = ["ryuk"])
load("@dockyard//tools/bazel:pip.bzl", "pip_lock")
pip_lock(name = "pip", lock = "//:requirements.lock")
""",
    )
    write(root / ".bazelrc", "build --nosandbox_debug\ntest --test_output=errors\n")
    lock = repo / "examples" / "monorepo" / "third_party" / "requirements.lock"
    write(root / "requirements.lock", lock.read_text())
    write(
        root / "images.toml",
        f"""[images.probe]
recipe = "probe"
tag = "{tag}"
upstream = "dockyard-probe:1"
deps = []
builder = "dockerfile"
prepare = ""
summary = "a one-file image for the invalidation test"
""",
    )
    write(root / "probe" / "Dockerfile", f"FROM {local_image('base')}\nCOPY marker /marker\n")
    write(root / "BUILD.bazel", BUILD)
    write(root / "test_probe.py", PROBE_TEST)
    write(root / "test_unrelated.py", UNRELATED_TEST)
    try:
        yield root, tag
    finally:
        subprocess.run(["docker", "image", "rm", "-f", tag], capture_output=True)


def test_changing_an_image_reruns_exactly_its_tests(workspace: tuple[Path, str]) -> None:
    root, _tag = workspace
    bazel = NestedBazel(root)
    targets = ("//:test_probe", "//:test_unrelated")
    marker = root / "probe" / "marker"

    first = uuid.uuid4().hex
    marker.write_text(first + "\n")
    run = bazel.run("test", *targets)
    assert run.returncode == 0, run.tail()
    assert run.results()["//:test_probe"] == "PASSED", run.tail()
    assert bazel.test_output("//:test_probe", "marker.txt").strip() == first

    again = bazel.run("test", *targets)
    assert again.returncode == 0, again.tail()
    assert again.results() == {t: "(cached) PASSED" for t in targets}, again.tail()

    second = uuid.uuid4().hex
    marker.write_text(second + "\n")
    changed = bazel.run("test", *targets)
    assert changed.returncode == 0, changed.tail()
    assert changed.results() == {
        "//:test_probe": "PASSED",
        "//:test_unrelated": "(cached) PASSED",
    }, changed.tail()
    assert bazel.test_output("//:test_probe", "marker.txt").strip() == second
    print(f"runs: {run.seconds:.1f}s, {again.seconds:.1f}s, {changed.seconds:.1f}s")
