"""Uses of testcontainers-python outside import statements.

- Attribute chains on a module imported whole: ``testcontainers.postgres.PostgresContainer``
  after ``import testcontainers.postgres`` becomes ``dockyard.postgres.PostgresContainer``;
  ``waiting_utils.wait_for_logs`` after ``from testcontainers.core import waiting_utils``
  stays (that import becomes ``from dockyard import core as waiting_utils``).
- Dotted paths in strings given to the calls that take them: ``pytest.importorskip``,
  ``importlib.import_module``, ``monkeypatch.setattr``/``delattr``, ``mock.patch`` and the
  like. Other strings that spell an upstream path are reported, never rewritten.
- Paths built at run time (f-strings, concatenation) are reported.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from . import _table
from ._edits import Edit, Finding
from ._imports import Binding
from ._source import Source

# Calls whose first argument is a dotted path to a module or to a name in one.
PATH_CALLS = frozenset(
    {
        "__import__",
        "delattr",
        "dict",
        "find_spec",
        "import_module",
        "importorskip",
        "multiple",
        "patch",
        "setattr",
    }
)
_PLAIN_STRING = re.compile(r"(?P<prefix>[rRuU]?)(?P<quote>['\"])(?P<body>[\w.]*)(?P=quote)")
# A dotted path into testcontainers; the bare word is usually the distribution's name.
_UPSTREAM_PATH = re.compile(r"testcontainers(\.\w+)+")


@dataclass
class References(ast.NodeVisitor):
    """Collects the edits and findings for every non-import use in one module."""

    source: Source
    bindings: dict[str, Binding]
    edits: list[Edit] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    _path_arguments: set[int] = field(default_factory=set)

    def report(self, node: ast.expr, message: str) -> None:
        line, column = self.source.line_of(self.source.span(node)[0])
        self.findings.append(Finding(line, column, message))

    # -- attribute chains -------------------------------------------------------------
    def visit_Attribute(self, node: ast.Attribute) -> None:
        chain = _chain(node)
        if chain is None:
            self.generic_visit(node)
        else:
            self._rewrite_chain(chain)

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            self._rewrite_chain([node])

    def _rewrite_chain(self, chain: list[ast.expr]) -> None:
        root = chain[0]
        assert isinstance(root, ast.Name)
        binding = self.bindings.get(root.id)
        if binding is None:
            return
        attributes = [node.attr for node in chain[1:] if isinstance(node, ast.Attribute)]
        resolution = _table.resolve(".".join((binding.module, *attributes)))
        used = len(resolution.module.split(".")) - len(binding.module.split("."))
        prefix_node = chain[max(used, 0)]
        dotted = ".".join((root.id, *attributes[: max(used, 0)]))
        bound = _table.resolve(binding.module).target
        if resolution.target is None:
            # An unmapped module's import is reported already; report only what else fails.
            if bound is not None or resolution.module != binding.module:
                whole = ".".join((root.id, *attributes))
                self.report(prefix_node, f"cannot migrate {whole}: {resolution.reason}")
            return
        if bound is None:
            return
        if resolution.target == bound:
            spelled = binding.new_name
        elif resolution.target.startswith(bound + "."):
            spelled = binding.new_name + resolution.target[len(bound) :]
        else:
            self.report(prefix_node, f"cannot migrate {dotted}: import {resolution.target}")
            return
        if spelled != dotted:
            start = self.source.span(root)[0]
            end = self.source.span(prefix_node)[1]
            self.edits.append(Edit(start, end, spelled))

    # -- strings ---------------------------------------------------------------------
    def visit_Call(self, node: ast.Call) -> None:
        name = _called_name(node.func)
        if name in PATH_CALLS and node.args:
            self._rewrite_path_argument(node.args[0])
        self.generic_visit(node)

    def _rewrite_path_argument(self, argument: ast.expr) -> None:
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
            if not _table.is_upstream(argument.value):
                return
            self._path_arguments.add(id(argument))
            resolution = _table.resolve(argument.value)
            target = resolution.dockyard_path
            if target is None:
                self.report(argument, f"cannot migrate {argument.value!r}: {resolution.reason}")
                return
            start, end = self.source.span(argument)
            literal = _PLAIN_STRING.fullmatch(self.source.text[start:end])
            if literal is None or literal["body"] != argument.value:
                self.report(argument, f"write {argument.value!r} as one plain string to migrate it")
                return
            self.edits.append(
                Edit(start, end, f"{literal['prefix']}{literal['quote']}{target}{literal['quote']}")
            )
            return
        if _mentions_upstream(argument):
            self.report(argument, "a testcontainers path built at run time: migrate it by hand")

    def visit_Constant(self, node: ast.Constant) -> None:
        if (
            isinstance(node.value, str)
            and id(node) not in self._path_arguments
            and _UPSTREAM_PATH.fullmatch(node.value)
        ):
            self.report(node, f"string {node.value!r} names testcontainers; not rewritten")

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        # Positions inside f-strings are not reliable before Python 3.12: report, never edit.
        for inner in ast.walk(node):
            if isinstance(inner, ast.Name) and inner.id in self.bindings:
                self.report(node, f"{inner.id} used inside an f-string: migrate it by hand")
                return


def _chain(node: ast.Attribute) -> list[ast.expr] | None:
    """``a.b.c`` as [Name a, Attribute a.b, Attribute a.b.c]; None if not rooted at a name."""
    nodes: list[ast.expr] = [node]
    current: ast.expr = node.value
    while isinstance(current, ast.Attribute):
        nodes.append(current)
        current = current.value
    if not isinstance(current, ast.Name):
        return None
    nodes.append(current)
    return nodes[::-1]


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _mentions_upstream(node: ast.expr) -> bool:
    return any(
        isinstance(inner, ast.Constant)
        and isinstance(inner.value, str)
        and inner.value.startswith(_table.UPSTREAM)
        for inner in ast.walk(node)
    )
