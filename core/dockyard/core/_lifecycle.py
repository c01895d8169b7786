"""`with` support shared by everything core creates in the engine and must clean up."""

from __future__ import annotations

from abc import ABC, abstractmethod
from types import TracebackType
from typing import Self


class Lifecycle(ABC):
    """Entering a `with` block brings the resource up; leaving it always tears it down."""

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
        self._tear_down()
