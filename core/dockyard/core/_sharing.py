"""Shared services: one container per configuration for every process on the engine.

A shared container carries no session label (no process's reaper removes it) but
``org.dockyard.shared=<configuration hash>``, and has a reaper of its own whose only
filter is that label. Every process that uses the container holds a connection to that
reaper — its lease — taken *before* it looks for the container, so a container it finds
cannot be reaped under it. When the last holder is gone (stopped, exited, or killed) for
the grace period, the reaper removes the container and ends. The engine's name
conflict makes concurrent creators agree on one container.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from ._reaper import Reaper

if TYPE_CHECKING:
    from ._session import Session

LABEL_SHARED = "org.dockyard.shared"


def shared_name(digest: str) -> str:
    return f"dockyard-shared-{digest[:24]}"


def lease_reaper_name(digest: str) -> str:
    return f"dockyard-ryuk-shared-{digest[:24]}"


class Leases:
    """A session's leases on shared services, counted: several holders in one process
    (two fixtures on one server) share one connection."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._lock = threading.Lock()
        self._held: dict[str, tuple[Reaper, int]] = {}

    def acquire(self, digest: str, grace: float) -> None:
        with self._lock:
            if digest in self._held:
                reaper, count = self._held[digest]
                self._held[digest] = (reaper, count + 1)
                return
            reaper = Reaper(
                self._session,
                name=lease_reaper_name(digest),
                label=LABEL_SHARED,
                value=digest,
                grace=f"{grace:g}s",
            )
            reaper.ensure()
            self._held[digest] = (reaper, 1)

    def release(self, digest: str) -> None:
        with self._lock:
            if digest not in self._held:
                return
            reaper, count = self._held.pop(digest)
            if count > 1:
                self._held[digest] = (reaper, count - 1)
                return
        reaper.close()  # the reaper removes the container once every holder is gone

    def held(self, digest: str) -> int:
        with self._lock:
            return self._held[digest][1] if digest in self._held else 0
