"""What every cycle gets from the benchmark: clients, labels, the raw side's poll settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from timing import Timing

__all__ = ["BenchContext", "Case"]


@dataclass(frozen=True)
class BenchContext:
    #: docker-py client through the raw side's counting proxy.
    raw: Any
    #: docker-py client on the engine's own socket, for the benchmark's reads (not counted).
    direct: Any
    #: Labels of the raw side's containers (the session's, so its reaper cleans up after a crash).
    labels: dict[str, str] = field(default_factory=dict)
    #: How often the raw side polls its service, and for how long at most.
    interval: float = 0.025
    timeout: float = 120.0


@dataclass(frozen=True)
class Case:
    """One row of the table: a service, a side (``dockyard`` or ``docker-py``), one cycle."""

    service: str
    side: str
    run: Callable[[BenchContext], Timing]

    @property
    def name(self) -> str:
        return f"{self.service} · {self.side}"
