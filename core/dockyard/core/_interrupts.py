"""Clean-up that a second Ctrl-C cannot cut short, and that never hides the first one.

While a start() is rolled back (or a ``with`` block tears down), a SIGINT arriving in the
main thread is held and delivered as ``KeyboardInterrupt`` once the clean-up is done;
an interrupt that was already propagating continues unchanged.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any


@contextlib.contextmanager
def interrupts_deferred() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield  # signals are only ever delivered to the main thread
        return
    try:
        previous: Any = signal.getsignal(signal.SIGINT)
    except (ValueError, TypeError):  # pragma: no cover - no signal support here
        yield
        return
    if previous is not signal.default_int_handler:
        # Someone else (a test runner, the user) handles SIGINT: leave their handler alone.
        yield
        return
    pending: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        pending.append(signum)

    signal.signal(signal.SIGINT, hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if pending:
        raise KeyboardInterrupt
