#!/usr/bin/env python3
"""Writes what other files repeat of tools/images/images.toml, so the manifest stays the one list.

    python3 tools/images/fragments.py --write [--root DIR]   # regenerate
    python3 tools/images/fragments.py --check [--root DIR]   # exit 1 and say what is stale

Generated: ``tools/images/images.bzl`` (the manifest for Starlark: Bazel's image targets
and macros) and the blocks between ``<!-- images.toml: KIND -->`` and ``<!-- /images.toml -->``
in the Markdown files listed in DOC_BLOCKS (image tables, the substitution line). Standard
library only, like build.py.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

from image_manifest import Image, ManifestError, parse, substitution_line

# absolute(), not resolve(): under Bazel this file is a runfile next to the manifest.
DEFAULT_ROOT = Path(__file__).absolute().parent.parent.parent
STARLARK = "tools/images/images.bzl"
MANIFEST = "tools/images/images.toml"
# Files that carry generated blocks (a missing file is reported, never created).
DOC_BLOCKS = (
    "README.md",
    "docs/images.md",
    "docs/core/images.md",
    "docs/contributing/contract.md",
    "tools/images/README.md",
)


class FragmentError(ValueError):
    """A file that should carry generated blocks is missing or malformed."""


BLOCK_RE = re.compile(
    r"(?P<open><!-- images\.toml: (?P<kind>[a-z-]+) -->\n)"
    r"(?P<body>.*?)"
    r"(?P<close><!-- /images\.toml -->)",
    re.S,
)


def starlark(images: dict[str, Image]) -> str:
    lines = [
        f"# Generated from {MANIFEST} by tools/images/fragments.py --write; do not edit.",
        '"""The image manifest for Starlark: one dockyard_image target per entry."""',
        "",
        "IMAGES = {",
    ]
    for image in images.values():
        deps = ", ".join(f'"{dep}"' for dep in image.deps)
        lines += [
            f'    "{image.name}": {{',
            f'        "recipe": "{image.recipe}",',
            f'        "tag": "{image.tag}",',
            f'        "upstream": "{image.upstream}",',
            f'        "substitutes": "{image.substitutes}",',
            f'        "deps": [{deps}],',
            "    },",
        ]
    return "\n".join([*lines, "}", ""])


def _code(text: str) -> str:
    return f"`{text}`" if text else "—"


def image_table(images: dict[str, Image]) -> str:
    rows = [
        "| local image | stands in for | what it is |",
        "| --- | --- | --- |",
        *(f"| `{i.tag}` | {_code(i.upstream)} | {i.summary} |" for i in images.values()),
    ]
    return "\n".join(rows) + "\n"


def recipe_table(images: dict[str, Image]) -> str:
    rows = [
        "| image | recipe | stands in for | built with |",
        "| --- | --- | --- | --- |",
    ]
    for i in images.values():
        how = i.builder + (f", host step `{i.prepare}`" if i.prepare else "")
        rows.append(f"| `{i.tag}` | `{i.recipe}/` | {_code(i.upstream)} | {how} |")
    return "\n".join(rows) + "\n"


def substitution_block(images: dict[str, Image]) -> str:
    return f"```\n{substitution_line(images)}\n```\n"


def export_block(images: dict[str, Image]) -> str:
    return f'```sh\nexport DOCKYARD_IMAGE_SUBSTITUTIONS="{substitution_line(images)}"\n```\n'


KINDS: dict[str, Callable[[dict[str, Image]], str]] = {
    "image-table": image_table,
    "recipe-table": recipe_table,
    "substitutions": substitution_block,
    "export": export_block,
}


def render_blocks(text: str, images: dict[str, Image], source: str) -> str:
    def replace(match: re.Match[str]) -> str:
        kind = match.group("kind")
        if kind not in KINDS:
            raise FragmentError(
                f"{source}: unknown block <!-- images.toml: {kind} -->; known: {', '.join(KINDS)}"
            )
        return match.group("open") + KINDS[kind](images) + match.group("close")

    return BLOCK_RE.sub(replace, text)


def expected(root: Path, texts: dict[str, str] | None = None) -> dict[str, str]:
    """Every generated file's wanted content, by path relative to ``root``.

    ``texts`` holds contents to use instead of the files on disk (the scaffold computes a
    new module's fragments before it writes anything).
    """
    texts = texts or {}

    def read(relative: str) -> str:
        if relative in texts:
            return texts[relative]
        path = root / relative
        if not path.is_file():
            raise FragmentError(f"{path} is missing; it carries generated image blocks")
        return path.read_text(encoding="utf-8")

    images = parse(read(MANIFEST), root / MANIFEST)
    wanted = {STARLARK: starlark(images)}
    for relative in DOC_BLOCKS:
        text = read(relative)
        if not BLOCK_RE.search(text):
            raise FragmentError(f"{relative} has no <!-- images.toml: KIND --> block")
        wanted[relative] = render_blocks(text, images, relative)
    return wanted


def stale(root: Path) -> list[str]:
    """The generated files whose content differs from what the manifest gives."""
    found = []
    for relative, content in expected(root).items():
        path = root / relative
        if not path.is_file() or path.read_text(encoding="utf-8") != content:
            found.append(relative)
    return found


def write(root: Path) -> list[str]:
    changed = []
    for relative, content in expected(root).items():
        path = root / relative
        if not path.is_file() or path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8")
            changed.append(relative)
    return changed


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="regenerate the fragments")
    mode.add_argument("--check", action="store_true", help="fail if a fragment is stale")
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="repository root")
    args = parser.parse_args(argv)
    try:
        if args.write:
            for relative in write(args.root):
                print(f"wrote {relative}")
            return 0
        outdated = stale(args.root)
    except (FragmentError, ManifestError) as error:
        print(f"fragments.py: {error}", file=sys.stderr)
        return 2
    for relative in outdated:
        print(f"{relative} is out of date with {MANIFEST}", file=sys.stderr)
    if outdated:
        print("run: python3 tools/images/fragments.py --write", file=sys.stderr)
    return 1 if outdated else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
