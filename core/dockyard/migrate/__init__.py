"""Migrate a test suite from testcontainers-python to Dockyard: ``python -m dockyard.migrate``.

The command rewrites imports and module paths (``testcontainers.core.container`` →
``dockyard.core``, ``testcontainers.community.postgres`` → ``dockyard.postgres``, …) and
leaves everything else byte for byte: formatting, comments, newlines, encoding. It shows a
unified diff by default, rewrites in place with ``--write``, and fails CI with ``--check``
when something would change. What it cannot migrate it lists as ``FILE:LINE:COLUMN:``.

Exit status: 0 nothing left to do, 1 ``--check`` found changes, 2 bad input (nothing is
written then), 3 uses left to migrate by hand. The routing table is ``ROUTES``; see
docs/migrating.md.

>>> migrate_source("from testcontainers.postgres import PostgresContainer\\n").after
'from dockyard.postgres import PostgresContainer\\n'
"""

from ._cli import main
from ._edits import Finding
from ._migrate import Migration, MigrationError, migrate_source
from ._table import MISSING_NAMES, ROUTES, Route, markdown_table

__all__ = [
    "MISSING_NAMES",
    "ROUTES",
    "Finding",
    "Migration",
    "MigrationError",
    "Route",
    "main",
    "markdown_table",
    "migrate_source",
]
