"""testcontainers-python's free helper functions, so tests migrate without rewrites.

Dockyard's own way is a strategy given before start (``waiting_for(...)``); these helpers
wait on a container that already runs, with the same fail-fast rules.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from ._running import Readiness
from ._wait import CallableWaitStrategy, LogMessageWaitStrategy, PollingWaitStrategy

if TYPE_CHECKING:
    from ._container import DockerContainer

LogPredicate = str | re.Pattern[str] | Callable[[str], bool]


def wait_for_logs(
    container: DockerContainer,
    predicate: LogPredicate,
    timeout: float = 120.0,
    interval: float | None = None,
) -> float:
    """Block until the container's logs match ``predicate``; return the seconds waited.

    ``predicate`` is a regex (string or compiled) searched in stdout and stderr, or a
    function given the whole log text. A container that exits meanwhile fails at once
    with ContainerStartupError (exit code and last lines); time running out raises
    StartupTimeoutError.
    """
    strategy: PollingWaitStrategy
    if callable(predicate):
        matches = predicate

        def logs_match(target: DockerContainer) -> bool:
            return bool(matches(target.running.logs()))

        strategy = CallableWaitStrategy(logs_match)
    else:
        strategy = LogMessageWaitStrategy(predicate)
    if interval is not None:
        strategy.with_poll_interval(interval)
    began = time.monotonic()
    strategy.wait_until_ready(Readiness(container.running, timeout))
    return time.monotonic() - began
