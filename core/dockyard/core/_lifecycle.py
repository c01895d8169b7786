"""`with` support shared by everything core creates in the engine and must clean up."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from types import TracebackType
from typing import Self

from ._interrupts import interrupts_deferred

log = logging.getLogger("dockyard.core")


class Lifecycle(ABC):
    """Entering a `with` block brings the resource up; leaving it always tears it down.

    A failure while tearing down never hides the exception (or the Ctrl-C) that ended the
    block: it is logged and attached to that exception as a note instead.
    """

    @abstractmethod
    def _bring_up(self) -> Self:
        """Start, create or build the resource and return it."""

    @abstractmethod
    def _tear_down(self) -> None:
        """Stop or remove the resource; safe to call when it is already gone."""

    def __enter__(self) -> Self:
        return self._bring_up()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is None:
            with interrupts_deferred():
                self._tear_down()
            return
        try:
            with interrupts_deferred():
                self._tear_down()
        except Exception as teardown_error:
            log.warning("cleaning up %r after %r failed: %s", self, exc, teardown_error)
            exc.add_note(f"(while handling it, cleaning up {self!r} failed: {teardown_error})")
