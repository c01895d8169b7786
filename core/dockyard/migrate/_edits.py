"""Text edits at exact offsets, and what the migration tells the user."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Edit:
    """Replace ``text[start:end]`` with ``replacement`` (an insertion when start == end)."""

    start: int
    end: int
    replacement: str


@dataclass(frozen=True, order=True)
class Finding:
    """A use of testcontainers-python the migration left as it was, and why."""

    line: int
    column: int
    message: str

    def render(self, path: str) -> str:
        return f"{path}:{self.line}:{self.column}: {self.message}"


class OverlappingEditsError(Exception):
    """Two edits touch the same text: a bug in the migration, never the user's input."""


def apply(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits; everything outside them stays as it was."""
    pieces: list[str] = []
    position = 0
    for edit in sorted(edits):
        if edit.start < position:
            raise OverlappingEditsError(f"edit at {edit.start} overlaps one ending at {position}")
        pieces.append(text[position : edit.start])
        pieces.append(edit.replacement)
        position = edit.end
    pieces.append(text[position:])
    return "".join(pieces)


def merge_deletions(ranges: Iterable[tuple[int, int]]) -> list[Edit]:
    """Deletions as edits, overlapping or touching ranges joined into one."""
    merged: list[list[int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [Edit(start, end, "") for start, end in merged]
