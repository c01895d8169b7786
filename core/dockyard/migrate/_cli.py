"""The command line: which files, what to show, whether to write, and the exit status."""

from __future__ import annotations

import argparse
import difflib
import io
import os
import re
import sys
import tempfile
import tokenize
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ._migrate import Migration, MigrationError, migrate_source

OK = 0
WOULD_CHANGE = 1
BAD_INPUT = 2
UNMAPPED = 3

DESCRIPTION = """\
Rewrite testcontainers-python imports and module paths to Dockyard's.

Shows a unified diff and changes nothing, unless --write is given. Uses it cannot
migrate (modules Dockyard has no counterpart for, star imports, paths built at run
time) are listed on stderr as FILE:LINE:COLUMN: message. Directories are searched for
*.py and *.pyi files, skipping hidden directories and __pycache__.
"""

EPILOG = """\
exit status:
  0  nothing left to do (or, with --write, every change written)
  1  --check: some file would change
  2  bad input (a path that does not exist, a file that does not parse or decode,
     a file that cannot be written); with --write nothing is written unless every
     file could be migrated
  3  some uses could not be migrated (listed on stderr); everything else was done
"""

# Directories no test suite keeps its own sources in.
_SKIPPED_DIRECTORIES = frozenset({"__pycache__", "node_modules", "site-packages"})
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+\Z")


@dataclass(frozen=True)
class _File:
    path: Path
    shown: str
    encoding: str
    migration: Migration


class _BadInput(Exception):
    pass


def main(argv: Sequence[str] | None = None, prog: str | None = None) -> int:
    """Run the migration command; returns the exit status (see ``EPILOG``)."""
    parser = _parser(prog)
    try:
        options = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else BAD_INPUT
    if options.write and options.check:
        parser.print_usage(sys.stderr)
        print(f"{parser.prog}: --write and --check exclude each other", file=sys.stderr)
        return BAD_INPUT
    try:
        files = [_migrate_file(path, shown) for path, shown in _python_files(options.paths)]
    except _BadInput as error:
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return BAD_INPUT
    changed = [f for f in files if f.migration.changed]
    if options.diff or not (options.write or options.check):
        for file in changed:
            sys.stdout.write(_diff(file))
    for file in files:
        for finding in file.migration.findings:
            print(finding.render(file.shown), file=sys.stderr)
    if options.write:
        try:
            for file in changed:
                _write(file)
                print(f"rewrote {file.shown}", file=sys.stderr)
        except OSError as error:
            print(
                f"{parser.prog}: error: cannot write {error.filename}: {error.strerror}",
                file=sys.stderr,
            )
            return BAD_INPUT
    elif options.check:
        for file in changed:
            print(f"would rewrite {file.shown}", file=sys.stderr)
    findings = sum(len(f.migration.findings) for f in files)
    _summary(len(files), len(changed), findings, options.write, sys.stderr)
    if options.check and changed:
        return WOULD_CHANGE
    return UNMAPPED if findings else OK


def _parser(prog: str | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog or "python -m dockyard.migrate",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    parser.add_argument("--write", action="store_true", help="rewrite the files in place")
    parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 if a file would change"
    )
    parser.add_argument(
        "--diff", action="store_true", help="show the diff also with --write or --check"
    )
    return parser


def _python_files(paths: Sequence[str]) -> Iterator[tuple[Path, str]]:
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            candidates = sorted(_walk(path))
        elif path.exists():
            candidates = [path]
        else:
            raise _BadInput(f"{given}: no such file or directory")
        for candidate in candidates:
            real = candidate.resolve()
            if real not in seen:
                seen.add(real)
                yield real, str(candidate)


def _walk(directory: Path) -> Iterator[Path]:
    for root, directories, names in os.walk(directory):
        directories[:] = [
            d for d in directories if not d.startswith(".") and d not in _SKIPPED_DIRECTORIES
        ]
        for name in names:
            if name.endswith((".py", ".pyi")):
                yield Path(root) / name


def _migrate_file(path: Path, shown: str) -> _File:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise _BadInput(f"{shown}: cannot read it: {error.strerror}") from None
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError) as error:
        raise _BadInput(f"{shown}: cannot decode it as Python source: {error}") from None
    try:
        migration = migrate_source(text, shown)
    except MigrationError as error:
        raise _BadInput(str(error)) from None
    return _File(path, shown, encoding, migration)


def _lines(text: str) -> list[str]:
    """Lines as the parser sees them (str.splitlines also splits at form feeds and more)."""
    return _LINE.findall(text)


def _diff(file: _File) -> str:
    before = _lines(file.migration.before)
    after = _lines(file.migration.after)
    # git's a/ and b/ prefixes make the diff apply with `git apply` or `patch -p1`.
    old, new = (
        (file.shown, file.shown)
        if os.path.isabs(file.shown)
        else (
            f"a/{file.shown}",
            f"b/{file.shown}",
        )
    )
    lines = []
    for line in difflib.unified_diff(before, after, old, new):
        lines.append(line)
        if not line.endswith(("\n", "\r")):
            lines.append("\n\\ No newline at end of file\n")
    return "".join(lines)


def _write(file: _File) -> None:
    """Replace the file in one step, so it is never seen half-written."""
    data = file.migration.after.encode(file.encoding)
    handle, temporary = tempfile.mkstemp(prefix=f".{file.path.name}.", dir=file.path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, file.path.stat().st_mode & 0o7777)
        os.replace(temporary, file.path)
    except BaseException:
        os.unlink(temporary)
        raise


def _summary(files: int, changed: int, findings: int, wrote: bool, out: TextIO) -> None:
    verb = "rewritten" if wrote else "to rewrite"
    left = f", {findings} use(s) to migrate by hand" if findings else ""
    print(f"{files} file(s) checked, {changed} {verb}{left}", file=out)
