"""Reads tools/images/images.toml, the one list of Dockyard's local images.

Standard library only, so build.py (system python3 on a fresh machine), the tests (under
Bazel and from a checkout) and the fragment generator share one reader:

    from image_manifest import local_image, substitutions
    local_image("client")   # "dockyard.local/client:1"
    substitutions()         # "postgres=dockyard.local/postgres:15,redis=…"

Run as a script it prints what shell scripts need:
``python3 tools/images/image_manifest.py substitutions`` or ``… tag NAME``.
"""

from __future__ import annotations

import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

# absolute(), not resolve(): under Bazel this file and the manifest are runfiles side by side.
MANIFEST = Path(__file__).absolute().parent / "images.toml"
BUILDERS = ("dockerfile", "debootstrap")
PREPARE_STEPS = ("", "kafka-jars", "client-wheels")


class ManifestError(ValueError):
    """The manifest is malformed; the message names the entry and what to write."""


@dataclass(frozen=True)
class Image:
    """One entry of the manifest."""

    name: str
    recipe: str
    tag: str
    upstream: str
    deps: tuple[str, ...]
    builder: str
    prepare: str
    summary: str
    # debootstrap only
    suite: str = ""
    variant: str = ""
    changes: tuple[str, ...] = ()

    @property
    def substitutes(self) -> str:
        """The substitution key: the upstream repository without its tag (any tag maps)."""
        if not self.upstream:
            return ""
        repository, slash, last = self.upstream.rpartition("/")
        return repository + slash + last.split(":", 1)[0]


_REQUIRED = ("recipe", "tag", "upstream", "deps", "builder", "prepare", "summary")


def _image(name: str, entry: dict[str, object], source: Path) -> Image:
    where = f"{source}: [images.{name}]"
    missing = [key for key in _REQUIRED if key not in entry]
    if missing:
        raise ManifestError(f"{where} lacks {', '.join(missing)} (see the file's header)")
    unknown = sorted(set(entry) - {*_REQUIRED, "suite", "variant", "changes"})
    if unknown:
        raise ManifestError(f"{where} has unknown keys {', '.join(unknown)}")
    text = {key: entry[key] for key in entry if key not in ("deps", "changes")}
    if not all(isinstance(value, str) for value in text.values()):
        raise ManifestError(f"{where}: every value but deps and changes is a string")
    deps, changes = entry["deps"], entry.get("changes", [])
    if not isinstance(deps, list) or not all(isinstance(d, str) for d in deps):
        raise ManifestError(f'{where}: deps is a list of image names, e.g. ["base"]')
    if not isinstance(changes, list) or not all(isinstance(c, str) for c in changes):
        raise ManifestError(f"{where}: changes is a list of `docker import --change` lines")
    image = Image(
        name=name,
        recipe=str(entry["recipe"]),
        tag=str(entry["tag"]),
        upstream=str(entry["upstream"]),
        deps=tuple(deps),
        builder=str(entry["builder"]),
        prepare=str(entry["prepare"]),
        summary=str(entry["summary"]),
        suite=str(entry.get("suite", "")),
        variant=str(entry.get("variant", "")),
        changes=tuple(changes),
    )
    if image.builder not in BUILDERS:
        raise ManifestError(f"{where}: builder must be one of {', '.join(BUILDERS)}")
    if image.prepare not in PREPARE_STEPS:
        known = ", ".join(repr(step) for step in PREPARE_STEPS)
        raise ManifestError(f"{where}: prepare must be one of {known}")
    if image.builder == "debootstrap" and not (image.suite and image.variant):
        raise ManifestError(f"{where}: a debootstrap image needs suite and variant")
    if ":" not in image.tag.rpartition("/")[2]:
        raise ManifestError(f"{where}: tag {image.tag!r} needs an explicit :TAG")
    return image


def load(path: Path | str = MANIFEST) -> dict[str, Image]:
    """Every image by name, in the manifest's order (dependencies before dependents)."""
    path = Path(path)
    return parse(path.read_text(encoding="utf-8"), path)


def parse(text: str, path: Path) -> dict[str, Image]:
    """``load`` of a manifest's text; ``path`` names it in messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ManifestError(f"{path} is not valid TOML: {error}") from None
    entries = data.get("images")
    if not isinstance(entries, dict) or not entries:
        raise ManifestError(f"{path} has no [images.NAME] tables")
    images: dict[str, Image] = {}
    for name, entry in entries.items():
        if not isinstance(entry, dict):
            raise ManifestError(f"{path}: images.{name} must be a table")
        image = _image(name, entry, path)
        late = [dep for dep in image.deps if dep not in images]
        if late:
            raise ManifestError(
                f"{path}: [images.{name}] depends on {', '.join(late)}, which must be "
                "listed before it"
            )
        images[name] = image
    return images


def local_image(name: str, path: Path | str = MANIFEST) -> str:
    """The local tag of image ``name``, e.g. ``local_image("client")``."""
    images = load(path)
    if name not in images:
        raise ManifestError(f"no image {name!r} in {path}; known: {', '.join(images)}")
    return images[name].tag


def substitutions(path: Path | str = MANIFEST) -> str:
    """The DOCKYARD_IMAGE_SUBSTITUTIONS value mapping every upstream name to its local build."""
    return substitution_line(load(path))


def substitution_line(images: dict[str, Image]) -> str:
    return ",".join(f"{i.substitutes}={i.tag}" for i in images.values() if i.upstream)


def main(argv: list[str]) -> int:
    if argv == ["substitutions"]:
        print(substitutions())
        return 0
    if len(argv) == 2 and argv[0] == "tag":
        try:
            print(local_image(argv[1]))
        except ManifestError as error:
            print(f"image_manifest.py: {error}", file=sys.stderr)
            return 2
        return 0
    print("usage: image_manifest.py substitutions | tag NAME", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
