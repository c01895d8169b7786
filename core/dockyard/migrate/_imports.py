"""Rewriting ``import`` and ``from … import`` statements that name testcontainers-python.

Only the module part and the names that move are touched; parentheses, comments, commas and
spacing stay. A ``from`` import whose names go to different Dockyard modules (or partly
nowhere) keeps its first name's group in place and gains one statement per other group
right after it, on its own line with the same indentation.
"""

from __future__ import annotations

import ast
import tokenize
from dataclasses import dataclass, field

from . import _table
from ._edits import Edit, Finding, apply, merge_deletions
from ._source import Source, Token


@dataclass(frozen=True)
class Binding:
    """A local name bound to an upstream module, and the name to use for it after migrating."""

    module: str
    new_name: str


@dataclass
class Outcome:
    edits: list[Edit] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    bindings: dict[str, Binding] = field(default_factory=dict)


def _finding(source: Source, offset: int, message: str) -> Finding:
    line, column = source.line_of(offset)
    return Finding(line, column, message)


def _dotted_span(tokens: list[Token]) -> tuple[int, int]:
    """Span of the dotted name at the start of ``tokens`` (up to ``as`` or ``import``)."""
    names = []
    for token in tokens:
        if token.type == tokenize.NAME and token.string in ("as", "import"):
            break
        if token.type == tokenize.NAME:
            names.append(token)
    return names[0].start, names[-1].end


def rewrite_import(source: Source, node: ast.Import) -> Outcome:
    """``import testcontainers.x[ as y], …``: each name in place."""
    outcome = Outcome()
    for alias in node.names:
        if not _table.is_upstream(alias.name):
            continue
        start, end = source.span(alias)
        if alias.asname:
            outcome.bindings[alias.asname] = Binding(alias.name, alias.asname)
        else:
            outcome.bindings[_table.UPSTREAM] = Binding(_table.UPSTREAM, "dockyard")
        resolution = _table.resolve(alias.name)
        target = resolution.dockyard_path
        if target is None or resolution.rest:
            reason = resolution.reason or f"{alias.name} is not a module"
            outcome.findings.append(
                _finding(source, start, f"cannot migrate {alias.name}: {reason}")
            )
            continue
        name_start, name_end = _dotted_span(source.tokens_in(start, end))
        outcome.edits.append(Edit(name_start, name_end, target))
    return outcome


@dataclass
class _Name:
    """One name of a ``from`` import: where it goes and how it is then spelled."""

    alias: ast.alias
    module: str
    spelling: str | None  # None: the name stays as written


def _place(node: ast.ImportFrom, module: str, outcome: Outcome, source: Source) -> list[_Name]:
    placed: list[_Name] = []
    reported: set[str] = set()

    def report(alias: ast.alias, message: str) -> None:
        if message not in reported:
            reported.add(message)
            outcome.findings.append(_finding(source, source.span(alias)[0], message))

    for alias in node.names:
        path = f"{module}.{alias.name}"
        resolution = _table.resolve(path)
        if _table.is_module(path):
            local = alias.asname or alias.name
            outcome.bindings[local] = Binding(path, local)
            target = resolution.target
            if target is None or resolution.rest:
                report(alias, f"cannot migrate {path}: {resolution.reason}")
                placed.append(_Name(alias, module, None))
                continue
            parent, _, last = target.rpartition(".")
            if not parent:
                report(alias, f"cannot migrate {path}: it is the package itself, import dockyard")
                placed.append(_Name(alias, module, None))
                continue
            spelling = last if local == last else f"{last} as {local}"
            placed.append(_Name(alias, parent, spelling))
            continue
        if resolution.target is None:
            report(alias, f"cannot migrate {path}: {resolution.reason}")
            placed.append(_Name(alias, module, None))
        elif len(resolution.rest) != 1:
            report(alias, f"cannot migrate {path}: {resolution.module} has no module {module}")
            placed.append(_Name(alias, module, None))
        else:
            placed.append(_Name(alias, resolution.target, None))
    return placed


def rewrite_import_from(source: Source, node: ast.ImportFrom) -> Outcome:
    """``from testcontainers.x import a[ as b], …``: the module part, and names that move."""
    outcome = Outcome()
    module = node.module
    if node.level or module is None or not _table.is_upstream(module):
        return outcome
    start, end = source.span(node)
    if any(alias.name == "*" for alias in node.names):
        outcome.findings.append(
            _finding(
                source,
                start,
                f"cannot migrate a star import from {module}: import the names you use "
                "by name, then run the migration again",
            )
        )
        return outcome
    placed = _place(node, module, outcome, source)
    groups: dict[str, list[_Name]] = {}
    for name in placed:
        groups.setdefault(name.module, []).append(name)
    if list(groups) == [module] and all(name.spelling is None for name in placed):
        return outcome
    tokens = source.tokens_in(start, end)
    kept_module = placed[0].module
    local: list[Edit] = []
    if kept_module != module:
        module_start, module_end = _dotted_span(tokens[1:])
        local.append(Edit(module_start - start, module_end - start, kept_module))
    for name in groups[kept_module]:
        if name.spelling is not None:
            alias_start, alias_end = source.span(name.alias)
            local.append(Edit(alias_start - start, alias_end - start, name.spelling))
    moved = [name for name in placed if name.module != kept_module]
    deletions = _deletions(source, node, tokens, {id(name.alias) for name in moved})
    local.extend(
        Edit(edit.start - start, edit.end - start, "") for edit in merge_deletions(deletions)
    )
    statement = apply(source.text[start:end], local)
    outcome.edits.append(Edit(start, end, statement))
    extra = [
        f"from {target} import " + ", ".join(_spelled(source, name) for name in names)
        for target, names in groups.items()
        if target != kept_module
    ]
    if extra:
        outcome.edits.append(_insert_after(source, start, end, extra))
    return outcome


def _spelled(source: Source, name: _Name) -> str:
    if name.spelling is not None:
        return name.spelling
    alias_start, alias_end = source.span(name.alias)
    return source.text[alias_start:alias_end]


def _deletions(
    source: Source, node: ast.ImportFrom, tokens: list[Token], moved: set[int]
) -> list[tuple[int, int]]:
    """Ranges that remove the moved names and their separators from the statement.

    Comments are never removed: a name alone on its line takes the line with it, a comment
    beside it stays. The first name never moves, so a kept name always precedes a moved one.
    """
    text = source.text
    spans = [source.span(alias) for alias in node.names]
    gone = [id(alias) in moved for alias in node.names]
    last_kept = max(i for i, is_gone in enumerate(gone) if not is_gone)
    commas = [t for t in tokens if t.type == tokenize.OP and t.string == ","]
    comments = [t for t in tokens if t.type == tokenize.COMMENT]
    trailing_comma = any(c.start >= spans[-1][1] for c in commas)

    def has_comment(start: int, end: int) -> bool:
        return any(start <= c.start < end for c in comments)

    ranges: list[tuple[int, int]] = []
    tail_start, tail_end = spans[last_kept][1], spans[-1][1]
    tail_clean = last_kept < len(spans) - 1 and not trailing_comma
    if tail_clean and not has_comment(tail_start, tail_end):
        # The moved names after the last kept one go with the comma before them.
        ranges.append((tail_start, tail_end))
        ends = last_kept + 1
    else:
        ends = len(spans)
    for index in range(ends):
        if not gone[index]:
            continue
        alias_start, alias_end = spans[index]
        if index + 1 < len(spans) and not has_comment(alias_start, spans[index + 1][0]):
            ranges.append((alias_start, spans[index + 1][0]))
            continue
        following = next((c for c in commas if c.start >= alias_end), None)
        unit_end = alias_end
        if following is not None and text[alias_end : following.start].strip() == "":
            unit_end = following.end
        elif following is not None:
            ranges.append((following.start, following.end))
        line_start, line_end, newline = source.line_bounds(alias_start)
        if text[line_start:alias_start].strip() == "" and text[unit_end:line_end].strip() == "":
            ranges.append((line_start, line_end + len(newline)))
            continue
        while unit_end < line_end and text[unit_end] in " \t":
            unit_end += 1
        ranges.append((alias_start, unit_end))
    return ranges


def _insert_after(source: Source, start: int, end: int, statements: list[str]) -> Edit:
    """New statements after the one at [start, end): own lines if it has its own lines."""
    text = source.text
    first_line_start, _, _ = source.line_bounds(start)
    _, last_line_end, newline = source.line_bounds(end)
    indent = text[first_line_start:start]
    rest = text[end:last_line_end].strip()
    if indent.strip() == "" and (rest == "" or rest.startswith("#")):
        added = "".join(f"{newline}{indent}{statement}" for statement in statements)
        return Edit(last_line_end, last_line_end, added)
    return Edit(end, end, "".join(f"; {statement}" for statement in statements))
