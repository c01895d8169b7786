"""The marker of an argument left out: ``driver=None`` means "no driver in the URL",
so the default needs a value of its own."""

from __future__ import annotations

from typing import Final

__all__ = ["_UNSET", "_Unset"]


class _Unset:
    def __repr__(self) -> str:
        return "<default driver>"


_UNSET: Final = _Unset()
