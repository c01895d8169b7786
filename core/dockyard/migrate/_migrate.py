"""One module's migration: parse, collect edits from imports and uses, apply, verify."""

from __future__ import annotations

import ast
import tokenize
from dataclasses import dataclass

from dockyard.core import DockyardError

from ._edits import Edit, Finding, OverlappingEditsError, apply
from ._imports import Binding, rewrite_import, rewrite_import_from
from ._references import References
from ._source import Source


class MigrationError(DockyardError):
    """A file the migration cannot work on (it does not parse, or is not text)."""


@dataclass(frozen=True)
class Migration:
    """The text before and after, and the uses left for a person to migrate."""

    before: str
    after: str
    findings: tuple[Finding, ...]

    @property
    def changed(self) -> bool:
        return self.before != self.after


def migrate_source(text: str, filename: str = "<source>") -> Migration:
    """Rewrite testcontainers-python imports and module paths in ``text`` to Dockyard's.

    Raises ``MigrationError`` when the text is not valid Python.
    """
    try:
        tree = ast.parse(text, filename=filename)
        source = Source(text)
    except (SyntaxError, ValueError, tokenize.TokenError) as error:
        raise MigrationError(f"{filename}: cannot parse it as Python: {_describe(error)}") from None
    edits: list[Edit] = []
    findings: list[Finding] = []
    bindings: dict[str, Binding] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            outcome = rewrite_import(source, node)
        elif isinstance(node, ast.ImportFrom):
            outcome = rewrite_import_from(source, node)
        else:
            continue
        edits.extend(outcome.edits)
        findings.extend(outcome.findings)
        bindings.update(outcome.bindings)
    references = References(source, bindings)
    references.visit(tree)
    edits.extend(references.edits)
    findings.extend(references.findings)
    try:
        after = apply(text, edits)
        ast.parse(after, filename=filename)
    except (OverlappingEditsError, SyntaxError) as error:
        raise MigrationError(
            f"{filename}: the migration would not produce valid Python ({error}); the file "
            "is left as it was: please report this with the file"
        ) from None
    return Migration(text, after, tuple(sorted(set(findings))))


def _describe(error: Exception) -> str:
    if isinstance(error, SyntaxError):
        return f"line {error.lineno}: {error.msg}"
    return str(error)
