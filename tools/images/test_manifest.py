"""images.toml is the one list of local images: what repeats it must agree with it.

Under Bazel the files checked are the declared ones (the generated fragments and the docs);
from a checkout (``python3 -m pytest tools/images/test_manifest.py``) every tracked file is
scanned for local tags that disagree with the manifest.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

# absolute(), not resolve(): under Bazel these are runfiles, not the source tree.
HERE = Path(__file__).absolute().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

import fragments  # noqa: E402
from image_manifest import ManifestError, load, local_image, substitutions  # noqa: E402

TAG_RE = re.compile(
    r"dockyard\.local/(?P<name>[a-z0-9_.-]+):(?P<tag>[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)"
)
# Strings that are test data for the substitution parser, not references to the images.
NOT_REFERENCES = ("core/tests/test_unit_",)


def tracked_files(root: Path) -> list[Path]:
    """git's tracked files in a checkout; under Bazel, the runfiles that were declared."""
    listing = subprocess.run(
        ["git", "-C", str(root), "ls-files", "-z"], capture_output=True, text=True
    )
    if listing.returncode == 0 and listing.stdout:
        return [root / name for name in listing.stdout.split("\0") if name]
    return [path for path in root.rglob("*") if path.is_file()]


def test_generated_fragments_are_current() -> None:
    assert fragments.stale(ROOT) == [], "run: python3 tools/images/fragments.py --write"


def test_every_local_tag_in_the_repository_is_the_manifests() -> None:
    tags = {image.tag.split("/", 1)[1].split(":")[0]: image.tag for image in load().values()}
    wrong = []
    for path in tracked_files(ROOT):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith(NOT_REFERENCES) or path.suffix in (".jar", ".whl", ".pyc"):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for match in TAG_RE.finditer(text):
            expected = tags.get(match.group("name"))
            if expected and match.group(0) != expected:
                wrong.append(f"{relative}: {match.group(0)} (the manifest says {expected})")
    assert wrong == []


def test_substitutions_cover_every_upstream_name() -> None:
    line = substitutions()
    pairs = dict(pair.split("=", 1) for pair in line.split(","))
    assert pairs["postgres"] == local_image("postgres")
    assert pairs["testcontainers/ryuk"] == local_image("ryuk")
    assert set(pairs) == {i.substitutes for i in load().values() if i.upstream}


def test_base_comes_first_and_everything_builds_from_it() -> None:
    images = load()
    assert next(iter(images)) == "base"
    assert images["base"].builder == "debootstrap"
    assert all(image.deps == ("base",) for name, image in images.items() if name != "base")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[images.x]\nrecipe = 'x'\n", "lacks tag"),
        ("[images]\n", "no [images.NAME] tables"),
        ("[images.x\n", "not valid TOML"),
        (
            "[images.x]\nrecipe='x'\ntag='a/x:1'\nupstream=''\ndeps=['base']\n"
            "builder='dockerfile'\nprepare=''\nsummary='s'\n",
            "depends on base, which must be listed before it",
        ),
        (
            "[images.x]\nrecipe='x'\ntag='a/x'\nupstream=''\ndeps=[]\n"
            "builder='dockerfile'\nprepare=''\nsummary='s'\n",
            "needs an explicit :TAG",
        ),
        (
            "[images.x]\nrecipe='x'\ntag='a/x:1'\nupstream=''\ndeps=[]\n"
            "builder='kaniko'\nprepare=''\nsummary='s'\n",
            "builder must be one of",
        ),
        (
            "[images.x]\nrecipe='x'\ntag='a/x:1'\nupstream=''\ndeps=[]\n"
            "builder='dockerfile'\nprepare='jars'\nsummary='s'\ncolour='red'\n",
            "unknown keys colour",
        ),
    ],
)
def test_a_malformed_manifest_is_refused_with_its_fix(
    tmp_path: Path, body: str, message: str
) -> None:
    manifest = tmp_path / "images.toml"
    manifest.write_text(body)
    with pytest.raises(ManifestError, match=re.escape(message)):
        load(manifest)


def test_unknown_image_names_the_known_ones() -> None:
    with pytest.raises(ManifestError, match="known: base, postgres"):
        local_image("mongo")
