"""One log stream per container: readiness, exit detection, diagnostics and consumers.

A container's output is followed from its start in one streaming request, on a daemon
thread, until the container exits (the engine then ends the stream). Everything that needs
the output reads it here instead of asking the engine again: log-based wait strategies
(woken on every chunk), the "has it exited" signal that fails a start at once, the last
lines quoted in error messages, and line callbacks (``follow_logs``, log consumers).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from ._engine import STDERR, STDOUT, LogStream

log = logging.getLogger("dockyard.core.logs")

LogCallback = Callable[[bytes], object]
# Output kept for readiness and diagnostics; older output is dropped beyond this.
MAX_KEPT_BYTES = 16 << 20


class _Consumer:
    def __init__(self, callback: LogCallback, stdout: bool, stderr: bool) -> None:
        self.callback = callback
        self.kinds = {k for k, wanted in ((STDOUT, stdout), (STDERR, stderr)) if wanted}
        self.pending: dict[int, bytes] = {}
        self.active = True

    def feed(self, kind: int, data: bytes) -> None:
        if not self.active or kind not in self.kinds:
            return
        *lines, rest = (self.pending.get(kind, b"") + data).split(b"\n")
        self.pending[kind] = rest
        for line in lines:
            self._call(line)

    def flush(self) -> None:
        for kind in sorted(self.pending):
            if self.pending[kind] and self.active:
                self._call(self.pending[kind])
        self.pending.clear()

    def _call(self, line: bytes) -> None:
        try:
            self.callback(line)
        except Exception:  # a broken consumer must not stop readiness or other consumers
            log.exception("log consumer %r failed; it gets no more lines", self.callback)
            self.active = False


class LogWatcher:
    """Follows one container's output; ``ended`` once the container stopped."""

    def __init__(self, stream: LogStream, name: str = "container") -> None:
        self._stream = stream
        self._cond = threading.Condition()
        self._chunks: list[tuple[int, bytes]] = []
        self._size = 0
        self._dropped = 0
        self._ended = False
        self._pokes = 0
        self._text_cache: tuple[int, str] = (0, "")
        self._consumers: list[_Consumer] = []
        # Held while lines go to consumers, so a new consumer's replay of the history comes
        # before any chunk that arrives while it is being replayed.
        self._feed_lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name=f"dockyard-logs-{name}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            for kind, data in self._stream:
                with self._cond:
                    self._chunks.append((kind, data))
                    self._size += len(data)
                    self._trim()
                    consumers = list(self._consumers)
                    self._cond.notify_all()
                with self._feed_lock:
                    for consumer in consumers:
                        consumer.feed(kind, data)
        except Exception as exc:  # the engine went away mid-stream: treat as the end
            log.debug("log stream ended with %r", exc)
        finally:
            with self._cond:
                self._ended = True
                consumers = list(self._consumers)
                self._cond.notify_all()
            with self._feed_lock:
                for consumer in consumers:
                    consumer.flush()

    def _trim(self) -> None:
        while self._size - self._dropped > MAX_KEPT_BYTES and len(self._chunks) > 1:
            _, first = self._chunks.pop(0)
            self._dropped += len(first)

    # -- reading ---------------------------------------------------------------------
    @property
    def ended(self) -> bool:
        return self._ended

    @property
    def size(self) -> int:
        """Bytes received so far (grows monotonically, also past MAX_KEPT_BYTES)."""
        return self._size

    def text(self) -> str:
        """stdout and stderr together, in arrival order, as text."""
        with self._cond:
            size, cached = self._text_cache
            if size != self._size:
                raw = b"".join(data for _, data in self._chunks)
                cached = raw.decode(errors="replace")
                self._text_cache = (self._size, cached)
            return cached

    def streams(self) -> tuple[str, str]:
        """stdout and stderr so far, each on its own, as text."""
        with self._cond:
            chunks = list(self._chunks)
        out = b"".join(d for k, d in chunks if k == STDOUT).decode(errors="replace")
        err = b"".join(d for k, d in chunks if k == STDERR).decode(errors="replace")
        return out, err

    def tail(self, lines: int = 50) -> str:
        return "\n".join(self.text().rstrip().splitlines()[-lines:])

    def wait_for_change(self, seen_size: int, timeout: float) -> bool:
        """Block until more output than ``seen_size`` arrived or the stream ended."""
        deadline = time.monotonic() + max(0.0, timeout)
        with self._cond:
            pokes = self._pokes
            while self._size <= seen_size and not self._ended and self._pokes == pokes:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

    def poke(self) -> None:
        """Wake every waiter (something other than output happened: an OOM kill)."""
        with self._cond:
            self._pokes += 1
            self._cond.notify_all()

    def wait_for_end(self, timeout: float) -> bool:
        deadline = time.monotonic() + max(0.0, timeout)
        with self._cond:
            while not self._ended:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

    # -- consumers ---------------------------------------------------------------------
    def add_consumer(
        self, callback: LogCallback, *, stdout: bool = True, stderr: bool = True
    ) -> Any:
        """Feed every line, from the container's first one, to ``callback`` (bytes, no newline)."""
        consumer = _Consumer(callback, stdout, stderr)
        with self._feed_lock:
            with self._cond:
                history = list(self._chunks)
                ended = self._ended
                self._consumers.append(consumer)
            for kind, data in history:
                consumer.feed(kind, data)
            if ended:
                consumer.flush()
        return consumer

    def remove_consumer(self, consumer: Any) -> None:
        with self._cond:
            if consumer in self._consumers:
                self._consumers.remove(consumer)
        consumer.active = False

    def close(self, timeout: float = 1.0) -> None:
        self._stream.close()
        self._thread.join(timeout)


class LogFollower:
    """A ``follow_logs`` subscription: lines go to the callback until the container stops."""

    def __init__(
        self, watcher: LogWatcher, callback: LogCallback, *, stdout: bool, stderr: bool
    ) -> None:
        self._watcher = watcher
        self._consumer = watcher.add_consumer(callback, stdout=stdout, stderr=stderr)
        self._stopped = threading.Event()

    @property
    def running(self) -> bool:
        return not (self._stopped.is_set() or self._watcher.ended)

    def stop(self, timeout: float = 5.0) -> None:
        self._watcher.remove_consumer(self._consumer)
        self._stopped.set()

    def join(self, timeout: float | None = None) -> None:
        self._watcher.wait_for_end(timeout if timeout is not None else 1e9)
