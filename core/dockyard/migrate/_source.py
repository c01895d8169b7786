"""A module's text with the two coordinate systems its tools use, mapped to one.

``ast`` reports columns in UTF-8 bytes, ``tokenize`` in characters; both count lines the
way the parser does, where a lone carriage return also ends a line. Every position here
becomes an offset into the original text, so edits land exactly and everything else —
newlines included — stays byte for byte.
"""

from __future__ import annotations

import ast
import bisect
import io
import re
import tokenize
from dataclasses import dataclass

# The parser ends a line at CRLF, LF or a lone CR; tokenize only knows the first two.
_LONE_CR = re.compile(r"\r(?!\n)")
_LINE_END = re.compile(r"\r\n|\n")


@dataclass(frozen=True)
class Token:
    type: int
    string: str
    start: int
    end: int


class Source:
    """The text of one module, its tokens and its line table."""

    def __init__(self, text: str) -> None:
        self.text = text
        # Same length as ``text``: offsets found in it are offsets into ``text``.
        self._analysed = _LONE_CR.sub("\n", text)
        self._line_starts = [0] + [m.end() for m in _LINE_END.finditer(self._analysed)]
        readline = io.StringIO(self._analysed, newline="").readline
        self.tokens = [
            Token(t.type, t.string, self.offset(t.start[0], t.start[1]), self.offset(*t.end))
            for t in tokenize.generate_tokens(readline)
        ]
        self._token_starts = [t.start for t in self.tokens]

    def offset(self, line: int, column: int) -> int:
        """Offset of a (1-based line, character column) position."""
        if line > len(self._line_starts):
            return len(self.text)
        return self._line_starts[line - 1] + column

    def byte_offset(self, line: int, byte_column: int) -> int:
        """Offset of a (1-based line, UTF-8 byte column) position, as ``ast`` gives them."""
        start = self._line_starts[line - 1]
        # byte_column characters hold at least byte_column bytes.
        head = self._analysed[start : start + byte_column]
        if head.isascii():
            return start + byte_column
        return start + len(head.encode("utf-8")[:byte_column].decode("utf-8"))

    def span(self, node: ast.expr | ast.stmt | ast.alias) -> tuple[int, int]:
        """Start and end offsets of a node."""
        end_line = node.end_lineno if node.end_lineno is not None else node.lineno
        end_col = node.end_col_offset if node.end_col_offset is not None else node.col_offset
        return self.byte_offset(node.lineno, node.col_offset), self.byte_offset(end_line, end_col)

    def tokens_in(self, start: int, end: int) -> list[Token]:
        """The tokens that lie wholly within [start, end)."""
        first = bisect.bisect_left(self._token_starts, start)
        found = []
        for token in self.tokens[first:]:
            if token.start >= end:
                break
            if token.end <= end:
                found.append(token)
        return found

    def line_of(self, offset: int) -> tuple[int, int]:
        """1-based line and column of an offset, for reports."""
        index = bisect.bisect_right(self._line_starts, offset) - 1
        return index + 1, offset - self._line_starts[index] + 1

    def line_bounds(self, offset: int) -> tuple[int, int, str]:
        """Start of the line holding ``offset``, the end of its content, and its newline."""
        index = bisect.bisect_right(self._line_starts, offset) - 1
        start = self._line_starts[index]
        if index + 1 < len(self._line_starts):
            next_start = self._line_starts[index + 1]
            if self.text[next_start - 2 : next_start] == "\r\n":
                newline = "\r\n"
            elif self.text[next_start - 1] == "\r":
                newline = "\r"
            else:
                newline = "\n"
            return start, next_start - len(newline), newline
        return start, len(self.text), self.newline

    @property
    def newline(self) -> str:
        """The newline the file mostly uses (for lines the migration adds)."""
        crlf = self.text.count("\r\n")
        lf = self.text.count("\n") - crlf
        cr = self.text.count("\r") - crlf
        best = max((crlf, "\r\n"), (lf, "\n"), (cr, "\r"))
        return best[1] if best[0] else "\n"
