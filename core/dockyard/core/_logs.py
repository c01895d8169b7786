"""Following a container's logs in a background thread, line by line, into a callback."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger("dockyard.core.logs")

LogCallback = Callable[[bytes], object]


class LogFollower:
    """Feeds each log line (bytes, without the newline) to ``callback``.

    The thread ends by itself when the container stops (the engine closes the stream),
    or when ``stop()`` is called.
    """

    def __init__(
        self, wrapped: Any, callback: LogCallback, *, stdout: bool = True, stderr: bool = True
    ) -> None:
        self._stream = wrapped.logs(stream=True, follow=True, stdout=stdout, stderr=stderr)
        self._callback = callback
        self._thread = threading.Thread(target=self._run, name="dockyard-logs", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        pending = b""
        try:
            for chunk in self._stream:
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    self._callback(line)
        except Exception as exc:  # a stream closed by stop() or by removal ends the thread
            log.debug("log stream ended: %s", exc)
        if pending:
            self._callback(pending)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def stop(self, timeout: float = 5.0) -> None:
        try:
            self._stream.close()
        except Exception as exc:  # closing an already finished stream may raise
            log.debug("closing log stream: %s", exc)
        self.join(timeout)

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)
