"""The options that core reads from its own configuration, handed over for the run.

Core reads sharing, the reaper switch and the startup timeout from the environment when
a container starts, and child processes (xdist workers, subprocesses of tests) inherit the
environment, so the options become environment variables for the length of the run and
the previous values come back at its end (pytester runs pytest inside pytest).
"""

from __future__ import annotations

import os

from dockyard.core import load_config

from ._options import Settings

__all__ = ["Overrides", "overrides_for"]


def overrides_for(settings: Settings) -> dict[str, str]:
    """The variables the settings call for; an option left unset changes nothing."""
    wanted: dict[str, str] = {}
    if settings.keep_on_failure:
        # A kept container must outlive this process: no reaper may remove it, and a shared
        # one would go with its last lease, so everything is this process's own.
        wanted["TESTCONTAINERS_RYUK_DISABLED"] = "true"
        wanted["DOCKYARD_SHARING"] = "off"
    elif settings.sharing is False:
        wanted["DOCKYARD_SHARING"] = "off"
    elif settings.sharing is True and load_config().sharing.value == "off":
        wanted["DOCKYARD_SHARING"] = "opt-in"  # asked for on the command line: it wins
    if settings.startup_timeout is not None:
        wanted["DOCKYARD_STARTUP_TIMEOUT"] = repr(settings.startup_timeout)
    return wanted


class Overrides:
    """Environment variables set for the run, and put back as they were."""

    def __init__(self) -> None:
        self._saved: dict[str, str | None] = {}

    def apply(self, variables: dict[str, str]) -> None:
        for name, value in variables.items():
            self._saved.setdefault(name, os.environ.get(name))
            os.environ[name] = value

    def restore(self) -> None:
        for name, value in self._saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved.clear()
