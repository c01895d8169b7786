#!/usr/bin/env python3
"""Stamp a new Dockyard module with the same shape as modules/redis.

    python3 tools/scaffold/new_module.py NAME --image IMAGE:TAG --port PORT \
        [--title "Display name"] [--root DIR]

writes, under ``--root`` (default: this checkout), from the files in
``tools/scaffold/templates/``:

- ``modules/NAME/`` (pyproject, BUILD, README, the ``dockyard.NAME`` package, tests, example)
  and ``docs/modules/NAME.md``;
- ``tools/images/NAME/Dockerfile``, a stub recipe for the local stand-in of IMAGE, and its
  entry in ``tools/images/images.toml`` (tag ``dockyard.local/NAME:TAG``);
- the listings: a row in README.md's module table, a line in docs/README.md's module index,
  a line in tools/images/README.md, and every fragment generated from the image manifest
  (tools/images/images.bzl, the image tables and substitution lines of the docs).

So a contributor then touches only the new module, its image recipe and the lock file. The
templates use ``{{placeholder}}`` markers, replaced in one pass; ``__name__`` in a template's
path becomes NAME and the ``.tmpl`` suffix is dropped (it keeps Python, pytest, ruff and
Bazel from taking templates for code).

Every input is checked, and every file rendered, before anything is written, and all
problems are reported at once, so a bad command line leaves the tree untouched. The module
directory is assembled in a hidden staging directory and renamed into place, and the edited
files are replaced whole; a failure while writing puts everything back. Standard library
only: it runs before any dependency exists.

What to do after generating: docs/contributing/new-module.md.
"""

from __future__ import annotations

import argparse
import keyword
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

# absolute(), not resolve(): under Bazel the script is a runfiles symlink and the templates
# are runfiles next to it, not in the source tree the symlink points into.
HERE = Path(__file__).absolute().parent
TEMPLATES = HERE / "templates"
MODULE_TEMPLATES = TEMPLATES / "module"
DOC_TEMPLATE = TEMPLATES / "docs" / "module.md.tmpl"
IMAGE_TEMPLATES = TEMPLATES / "image"
LISTING_TEMPLATES = TEMPLATES / "listings"
DEFAULT_ROOT = HERE.parent.parent

# The image manifest's reader and fragment generator, from this checkout.
sys.path.insert(0, str(HERE.parent / "images"))
import fragments  # noqa: E402
from image_manifest import ManifestError, parse  # noqa: E402

MANIFEST = "tools/images/images.toml"
#: Where each listing goes: (file, the line after which the new entry follows, what to
#: look for when it is missing). The entry goes after the last line of the block that
#: starts at the anchor.
README_TABLE = ("README.md", "| distribution")
DOCS_INDEX = ("docs/README.md", "## Modules")
IMAGES_README = ("tools/images/README.md", "What each recipe holds:")

TEMPLATE_SUFFIX = ".tmpl"
NAME_IN_PATH = "__name__"
RESERVED_NAMES = frozenset({"core"})

# Limits that keep every generated line within ruff's 100 columns.
MAX_NAME = 20
MAX_CLASS = 24
MAX_TITLE = 40
MAX_IMAGE = 80

_NAME_RE = re.compile(r"[a-z][a-z0-9_]*")
_TITLE_RE = re.compile(r"[A-Za-z][A-Za-z0-9 ._+-]*")
# Docker reference grammar, simplified: optional registry host[:port], then lower-case
# path components, then a tag.
_REGISTRY_RE = re.compile(r"(?:localhost|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)(?::[0-9]+)?")
_COMPONENT_RE = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")
_TAG_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
_PLACEHOLDER_RE = re.compile(r"\{\{(\w+)\}\}")


class ScaffoldError(ValueError):
    """Bad input or a broken template; the message says what to write instead."""


@dataclass(frozen=True)
class ModuleSpec:
    """A validated request: everything the templates need."""

    name: str
    title: str
    class_prefix: str
    image: str
    image_name: str
    tag: str
    port: int
    #: The local build that stands in for ``image`` in the tests, and the base it starts FROM.
    local_tag: str
    base_tag: str

    def placeholders(self) -> dict[str, str]:
        return {
            "name": self.name,
            "name_dashed": self.name.replace("_", "-"),
            "distribution": "dockyard-" + self.name.replace("_", "-"),
            "Title": self.title,
            "Class": self.class_prefix,
            "image": self.image,
            "image_name": self.image_name,
            "tag": self.tag,
            "port": str(self.port),
            "local_tag": self.local_tag,
            "base_tag": self.base_tag,
        }


def class_prefix_for(title: str) -> str:
    """``"Apache Pulsar"`` -> ``"ApachePulsar"``; inner capitals stay (``"MinIO"``)."""
    words = re.split(r"[^A-Za-z0-9]+", title)
    return "".join(word[:1].upper() + word[1:] for word in words if word)


def default_title(name: str) -> str:
    """``"my_db"`` -> ``"My Db"``: good enough until the author passes ``--title``."""
    return " ".join(word.capitalize() for word in name.split("_") if word)


def _check_name(name: str, root: Path) -> list[str]:
    example = "e.g. 'nats' or 'mongo_db'"
    if "-" in name:
        return [
            f"NAME {name!r} has a dash: the package is dockyard.NAME, so write "
            f"{name.replace('-', '_')!r} (the distribution still becomes "
            f"dockyard-{name.replace('_', '-')})"
        ]
    if not _NAME_RE.fullmatch(name):
        return [
            f"NAME {name!r} must be a lower-case Python identifier: a letter, then "
            f"letters, digits or '_' ({example})"
        ]
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        return [f"NAME {name!r} is a Python keyword; dockyard.{name} could not be imported"]
    if len(name) > MAX_NAME:
        return [f"NAME {name!r} is longer than {MAX_NAME} characters; pick a shorter one"]
    if name in RESERVED_NAMES:
        return [f"NAME {name!r} is reserved (dockyard.{name} is not a module); pick another"]
    problems = []
    if (root / "modules" / name).exists():
        problems.append(
            f"modules/{name} already exists under {root}; pick another NAME or extend "
            "the existing module"
        )
    if (root / "docs" / "modules" / f"{name}.md").exists():
        problems.append(f"docs/modules/{name}.md already exists under {root}; pick another NAME")
    if (root / "tools" / "images" / name).exists():
        problems.append(
            f"tools/images/{name} already exists under {root}; pick another NAME or remove "
            "the stale recipe"
        )
    return problems


def _base_tag(root: Path, name: str) -> tuple[str, list[str]]:
    """The base image's tag from the root's manifest, and the problems found there."""
    manifest = root / MANIFEST
    if not manifest.is_file():
        return "", [
            f"{manifest} is missing; pass --root with the repository root (the new module's "
            "image is added to it)"
        ]
    try:
        images = parse(manifest.read_text(encoding="utf-8"), manifest)
    except ManifestError as error:
        return "", [f"{error}; fix the manifest first"]
    bases = [image for image in images.values() if image.builder == "debootstrap"]
    problems = []
    if name in images:
        problems.append(f"{MANIFEST} already has an image {name!r}; pick another NAME")
    if not bases:
        problems.append(f'{MANIFEST} has no base image (builder = "debootstrap")')
    return (bases[0].tag if bases else ""), problems


def _split_image(image: str) -> tuple[str, str] | str:
    """``(name, tag)`` of a valid ``name:tag`` reference, or the problem as a string."""
    example = "write IMAGE:TAG with a pinned version, e.g. 'nats:2.10' or 'quay.io/org/app:1.4'"
    if not image or any(ch.isspace() for ch in image):
        return f"--image {image!r} is empty or has spaces; {example}"
    if "@" in image:
        return f"--image {image!r} has a digest; {example} (digests are not supported here)"
    if len(image) > MAX_IMAGE:
        return f"--image {image!r} is longer than {MAX_IMAGE} characters"
    repository, _, last = image.rpartition("/")
    if ":" not in last:
        return f"--image {image!r} has no tag; {example}"
    last_name, tag = last.split(":", 1)
    if not _TAG_RE.fullmatch(tag):
        return f"--image {image!r} has an invalid tag {tag!r}; {example}"
    if tag == "latest":
        return f"--image {image!r} uses 'latest', which changes under the tests; {example}"
    components = [*repository.split("/"), last_name] if repository else [last_name]
    if len(components) > 1 and _REGISTRY_RE.fullmatch(components[0]):
        components = components[1:]
    bad = [c for c in components if not _COMPONENT_RE.fullmatch(c)]
    if bad:
        return (
            f"--image {image!r} has an invalid repository part {bad[0]!r} (lower-case "
            f"letters, digits and . _ - only); {example}"
        )
    return image[: -len(tag) - 1], tag


def _check_port(port: int | str) -> int | str:
    """The port as an int, or the problem as a string."""
    text = str(port).strip()
    if not re.fullmatch(r"[0-9]{1,5}", text) or not 1 <= int(text) <= 65535:
        return (
            f"--port {port!r} must be the TCP port the server listens on inside the "
            "container: a whole number from 1 to 65535, e.g. 4222"
        )
    return int(text)


def validate(
    name: str,
    image: str,
    port: int | str,
    title: str | None = None,
    root: Path | str = DEFAULT_ROOT,
) -> ModuleSpec:
    """Check every input; raise ScaffoldError listing all problems, or return the spec."""
    root = Path(root)
    problems: list[str] = []
    if not (root / "modules").is_dir():
        problems.append(
            f"{root} has no modules/ directory; pass --root with the repository root "
            "(the directory that holds modules/ and docs/)"
        )
    problems += _check_name(name, root)

    if title is None:
        title = default_title(name) if _NAME_RE.fullmatch(name) else name
    title = " ".join(title.split())
    prefix = class_prefix_for(title)
    if not _TITLE_RE.fullmatch(title) or len(title) > MAX_TITLE:
        problems.append(
            f"--title {title!r} must start with a letter, use letters, digits, spaces and "
            f". _ + - only, and have at most {MAX_TITLE} characters, e.g. 'MinIO' or "
            "'Apache Pulsar'"
        )
    elif len(prefix) > MAX_CLASS:
        problems.append(
            f"--title {title!r} makes the class name {prefix}Container; keep the title's "
            f"letters and digits to {MAX_CLASS} characters"
        )

    split = _split_image(image)
    if isinstance(split, str):
        problems.append(split)
    checked_port = _check_port(port)
    if isinstance(checked_port, str):
        problems.append(checked_port)
    base_tag, manifest_problems = _base_tag(root, name) if (root / "modules").is_dir() else ("", [])
    problems += manifest_problems

    if problems:
        raise ScaffoldError(
            "nothing was written:\n" + "\n".join(f"  - {problem}" for problem in problems)
        )
    assert not isinstance(split, str) and isinstance(checked_port, int)
    # The stand-in lives next to the base: dockyard.local/base:… → dockyard.local/NAME:TAG.
    local_tag = f"{base_tag.rpartition('/')[0]}/{name}:{split[1]}"
    return ModuleSpec(
        name, title, prefix, image, split[0], split[1], checked_port, local_tag, base_tag
    )


def render(text: str, values: dict[str, str], source: str = "template") -> str:
    """Replace every ``{{key}}``; an unknown key is a broken template, not bad input."""

    def substitute(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in values:
            raise ScaffoldError(
                f"{source} uses the unknown placeholder {{{{{key}}}}}; "
                f"known: {', '.join(sorted(values))}"
            )
        return values[key]

    return _PLACEHOLDER_RE.sub(substitute, text)


def _render_file(template: Path, values: dict[str, str]) -> str:
    return render(template.read_text(encoding="utf-8"), values, str(template))


def plan(spec: ModuleSpec) -> dict[str, str]:
    """Every new file to write, relative to the root, with its rendered content."""
    if not MODULE_TEMPLATES.is_dir() or not DOC_TEMPLATE.is_file():
        raise ScaffoldError(f"templates are missing under {TEMPLATES}")
    values = spec.placeholders()
    files: dict[str, str] = {}
    for template in sorted(MODULE_TEMPLATES.rglob("*" + TEMPLATE_SUFFIX)):
        relative = template.relative_to(MODULE_TEMPLATES).as_posix()
        target = relative[: -len(TEMPLATE_SUFFIX)].replace(NAME_IN_PATH, spec.name)
        files[f"modules/{spec.name}/{target}"] = _render_file(template, values)
    files[f"docs/modules/{spec.name}.md"] = _render_file(DOC_TEMPLATE, values)
    files[f"tools/images/{spec.name}/Dockerfile"] = _render_file(
        IMAGE_TEMPLATES / "Dockerfile.tmpl", values
    )
    return files


def _insert_after_block(text: str, anchor: str, line: str, source: str) -> str:
    """``text`` with ``line`` at the end of the table or list that ``anchor`` starts.

    A table anchor (``| …``) is the table's header; any other anchor is followed by a
    ``- `` list (after blank lines), and the line ends that list.
    """
    lines = text.splitlines(keepends=True)
    starts = [i for i, existing in enumerate(lines) if existing.startswith(anchor)]
    if not starts:
        raise ScaffoldError(
            f"{source} has no line starting with {anchor!r} to list the new module under"
        )
    end = starts[0]
    if not anchor.startswith("|"):
        end += 1
        while end < len(lines) and not lines[end].startswith("- "):
            if lines[end].startswith("#"):
                raise ScaffoldError(f"{source}: no list follows {anchor!r}")
            end += 1
        if end == len(lines):
            raise ScaffoldError(f"{source}: no list follows {anchor!r}")
    while end + 1 < len(lines) and lines[end + 1].strip():
        end += 1
    if not lines[end].endswith("\n"):
        lines[end] += "\n"
    return "".join([*lines[: end + 1], line, *lines[end + 1 :]])


def edits(spec: ModuleSpec, root: Path) -> dict[str, str]:
    """Every existing file to change, relative to the root, with its new content."""
    values = spec.placeholders()

    def listing(name: str) -> str:
        return _render_file(LISTING_TEMPLATES / name, values)

    def current(relative: str) -> str:
        path = root / relative
        if not path.is_file():
            raise ScaffoldError(f"{path} is missing; the new module is listed there")
        return path.read_text(encoding="utf-8")

    changed: dict[str, str] = {}
    manifest = current(MANIFEST)
    entry = _render_file(IMAGE_TEMPLATES / "manifest-entry.toml.tmpl", values)
    changed[MANIFEST] = manifest.rstrip("\n") + "\n" + entry
    for (relative, anchor), template in (
        (README_TABLE, "readme-row.md.tmpl"),
        (DOCS_INDEX, "docs-index.md.tmpl"),
        (IMAGES_README, "images-readme.md.tmpl"),
    ):
        text = changed.get(relative, current(relative))
        changed[relative] = _insert_after_block(text, anchor, listing(template), relative)
    try:
        generated = fragments.expected(root, changed)
    except (fragments.FragmentError, ManifestError) as error:
        raise ScaffoldError(f"the image fragments cannot be regenerated: {error}") from None
    for relative, content in generated.items():
        if content != changed.get(relative, _read_or_empty(root / relative)):
            changed[relative] = content
    return changed


def _read_or_empty(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def generate(
    name: str,
    image: str,
    port: int | str,
    title: str | None = None,
    root: Path | str = DEFAULT_ROOT,
) -> list[Path]:
    """Validate, render, then write the module and its listings; return the files written."""
    root = Path(root).absolute()
    spec = validate(name, image, port, title, root)
    files = plan(spec)  # rendered in full before anything touches the disk
    changes = edits(spec, root)

    module_prefix = f"modules/{spec.name}/"
    module_dir = root / "modules" / spec.name
    staging = Path(tempfile.mkdtemp(prefix=f".{spec.name}-", dir=root / "modules"))
    written: list[Path] = []
    try:
        for relative, content in files.items():
            if relative.startswith(module_prefix):
                path = staging / relative[len(module_prefix) :]
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(content, encoding="utf-8")
                written.append(module_dir / relative[len(module_prefix) :])
        os.chmod(staging, 0o755)  # mkdtemp makes it 0700
        staging.rename(module_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    created: list[Path] = []
    originals: dict[Path, str | None] = {}
    try:
        for relative, content in files.items():
            if not relative.startswith(module_prefix):
                path = root / relative
                made = [p for p in (path.parent, *path.parent.parents) if not p.exists()]
                path.parent.mkdir(parents=True, exist_ok=True)
                with path.open("x", encoding="utf-8") as handle:  # never overwrite
                    created[:0] = [path, *made]
                    handle.write(content)
                written.append(path)
        for relative, content in changes.items():
            path = root / relative
            originals[path] = _read_or_empty(path) if path.exists() else None
            _replace(path, content)
            written.append(path)
    except BaseException:
        for path, original in originals.items():
            if original is None:
                path.unlink(missing_ok=True)
            else:
                _replace(path, original)
        for path in created:  # files before the directories made for them
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        shutil.rmtree(module_dir, ignore_errors=True)
        raise
    return sorted(written)


def _replace(path: Path, content: str) -> None:
    """Write ``content`` to ``path`` whole: a reader sees the old file or the new one."""
    temporary = path.with_name(f".{path.name}.new")
    temporary.write_text(content, encoding="utf-8")
    if path.exists():
        shutil.copymode(path, temporary)
    os.replace(temporary, path)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Stamp a new Dockyard module (modules/NAME and docs/modules/NAME.md).",
        epilog="Next steps after generating: docs/contributing/new-module.md",
    )
    parser.add_argument("name", metavar="NAME", help="lower-case identifier, e.g. nats")
    parser.add_argument(
        "--image", required=True, help="upstream image with a pinned tag, e.g. nats:2.10"
    )
    parser.add_argument(
        "--port", required=True, help="the port the server listens on inside the container"
    )
    parser.add_argument("--title", help="display name for docs and the class, e.g. 'NATS'")
    parser.add_argument(
        "--root",
        default=str(DEFAULT_ROOT),
        help="repository root holding modules/ and docs/ (default: this checkout)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        written = generate(args.name, args.image, args.port, args.title, args.root)
    except ScaffoldError as exc:
        print(f"new_module.py: {exc}", file=sys.stderr)
        return 2
    root = Path(args.root).absolute()
    print(f"Created dockyard-{args.name} (new files and the listings that name it):")
    for path in written:
        print(f"  {path.relative_to(root).as_posix()}")
    print(
        f"Next: complete the stub recipe tools/images/{args.name}/Dockerfile and build it "
        f"(python3 tools/images/build.py {args.name}), replace the TCP readiness check in "
        "_wait.py with a protocol check and add client helpers "
        "(docs/contributing/new-module.md)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
