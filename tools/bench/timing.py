"""One cycle's clock: time to ready, and the whole cycle without the benchmark's own reads."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass

from kafka_floor import KafkaFloor

__all__ = ["CycleClock", "Timing"]


@dataclass(frozen=True)
class Timing:
    """Seconds from construction to ready, and to the end of stop; Kafka's floor if known."""

    ready: float
    cycle: float
    kafka: KafkaFloor | None = None


class CycleClock:
    """Started at construction; ``ready()`` once the service is usable; ``result()`` at the end.

    ``start_wall`` is the wall-clock time of the start call, to compare with the engine's
    log timestamps (the same host clock). Work inside ``paused()`` (reading those logs)
    does not count towards the cycle.
    """

    def __init__(self) -> None:
        self._began = time.perf_counter()
        self._paused = 0.0
        self._ready: float | None = None
        self.start_wall = time.time()

    def starting(self) -> None:
        """Call right before the start call."""
        self.start_wall = time.time()

    def ready(self) -> None:
        self._ready = time.perf_counter() - self._began

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        began = time.perf_counter()
        try:
            yield
        finally:
            self._paused += time.perf_counter() - began

    def result(self, kafka: KafkaFloor | None = None) -> Timing:
        if self._ready is None:
            raise RuntimeError("CycleClock.result() before ready(): the cycle did not finish")
        cycle = time.perf_counter() - self._began - self._paused
        return Timing(ready=self._ready, cycle=cycle, kafka=kafka)
