"""Dockyard's PostgreSQL module: ``PostgresContainer`` and its helpers.

Readiness, URLs for the test host and for peer containers, SQLAlchemy engines,
snapshots and fresh per-test databases cloned from templates.
"""

from ._container import (
    DEFAULT_PGDATA,
    FAST_SETTINGS,
    IN_MEMORY_PGDATA,
    INIT_DIR,
    PostgresContainer,
)
from ._external import ExternalPostgres
from ._snapshots import DatabaseAdmin, SnapshotError
from ._wait import PostgresReadyWaitStrategy

__all__ = [
    "DEFAULT_PGDATA",
    "FAST_SETTINGS",
    "INIT_DIR",
    "IN_MEMORY_PGDATA",
    "DatabaseAdmin",
    "ExternalPostgres",
    "PostgresContainer",
    "PostgresReadyWaitStrategy",
    "SnapshotError",
]
