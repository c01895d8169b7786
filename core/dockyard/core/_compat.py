"""testcontainers-python's waiting helpers and strategies, so suites migrate unchanged.

Dockyard's own way is a strategy given before start (``waiting_for(...)``). These wait on a
container that already runs (``wait_for_logs``), retry a function (``wait_container_is_ready``,
``wait_for``), or are the strategies of testcontainers-python 4.10+ that Dockyard has no other
name for (``CompositeWaitStrategy``, ``FileExistsWaitStrategy``, ``ContainerStatusWaitStrategy``).
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from ._compat_config import testcontainers_config
from ._errors import ConfigurationError
from ._running import Readiness
from ._wait import (
    CallableWaitStrategy,
    LogMessageWaitStrategy,
    NotReady,
    PollingWaitStrategy,
    WaitStrategy,
    WaitTarget,
)

if TYPE_CHECKING:
    from ._container import DockerContainer

__all__ = [
    "TRANSIENT_EXCEPTIONS",
    "CompositeWaitStrategy",
    "ContainerStatusWaitStrategy",
    "FileExistsWaitStrategy",
    "wait_container_is_ready",
    "wait_for",
    "wait_for_logs",
]

LogPredicate = str | re.Pattern[str] | Callable[[str], bool] | WaitStrategy
TRANSIENT_EXCEPTIONS: tuple[type[BaseException], ...] = (TimeoutError, ConnectionError)
P = ParamSpec("P")
R = TypeVar("R")


def wait_for_logs(
    container: DockerContainer,
    predicate: LogPredicate,
    timeout: float | None = None,
    interval: float | None = None,
    predicate_streams_and: bool = False,
    raise_on_exit: bool = False,
) -> float:
    """Block until the container's logs match ``predicate``; return the seconds waited.

    ``predicate`` is a regex (string or compiled) searched in stdout and stderr, a function
    given the log text, or a wait strategy. ``timeout`` defaults to
    ``testcontainers_config.timeout`` at the call. A container that exits meanwhile fails
    at once with ContainerStartupError, whatever ``raise_on_exit`` says (waiting longer for a
    process that is gone tells nothing); time running out raises StartupTimeoutError, a
    TimeoutError.
    """
    strategy: WaitStrategy
    if isinstance(predicate, WaitStrategy):
        strategy = predicate
    elif callable(predicate) and not isinstance(predicate, re.Pattern):
        matches = predicate

        def logs_match(target: DockerContainer) -> bool:
            if predicate_streams_and:
                return all(bool(matches(stream)) for stream in target.running.streams())
            return bool(matches(target.running.logs()))

        strategy = CallableWaitStrategy(logs_match)
    else:
        strategy = LogMessageWaitStrategy(predicate, predicate_streams_and=predicate_streams_and)
    if interval is not None:
        strategy.with_poll_interval(interval)
    seconds = testcontainers_config.timeout if timeout is None else timeout
    began = time.monotonic()
    strategy.wait_until_ready(Readiness(container.running, seconds))
    return time.monotonic() - began


def _container_of(args: tuple[Any, ...]) -> Any:
    first = args[0] if args else None
    return first if first is not None and hasattr(first, "get_container_host_ip") else None


def wait_container_is_ready(
    *transient_exceptions: type[BaseException],
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorator: retry the function on TimeoutError, ConnectionError and
    ``transient_exceptions`` until ``testcontainers_config.timeout`` (read at each call)
    passes, every ``sleep_time``; its value is returned, any other exception propagates at
    once. Without a container as first argument the function is called once, as upstream.
    """
    retried = (*TRANSIENT_EXCEPTIONS, *transient_exceptions)
    for kind in transient_exceptions:
        if not (isinstance(kind, type) and issubclass(kind, BaseException)):
            raise ConfigurationError(f"wait_container_is_ready({kind!r}): not an exception class.")

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def retrying(*args: P.args, **kwargs: P.kwargs) -> R:
            if _container_of(args) is None:
                return function(*args, **kwargs)
            timeout = testcontainers_config.timeout
            began = time.monotonic()
            while True:
                try:
                    return function(*args, **kwargs)
                except retried as exc:
                    if time.monotonic() - began > timeout:
                        raise TimeoutError(
                            f"Wait time ({timeout:g}s) exceeded for {function.__name__}"
                            f"(args: {args}, kwargs: {kwargs}). Exception: {exc}"
                        ) from exc
                time.sleep(testcontainers_config.sleep_time)

        return retrying

    return decorate


def wait_for(condition: Callable[..., Any]) -> bool:
    """Poll ``condition()`` until it is truthy (True), for ``testcontainers_config.timeout``."""
    timeout = testcontainers_config.timeout
    began = time.monotonic()
    while time.monotonic() - began <= timeout:
        try:
            if condition():
                return True
        except TRANSIENT_EXCEPTIONS:
            pass
        time.sleep(testcontainers_config.sleep_time)
    raise TimeoutError(f"Condition not satisfied within {timeout:g}s")


class CompositeWaitStrategy(WaitStrategy):
    """Wait for each strategy in turn (any strategy, polling or not), within one deadline."""

    def __init__(self, *strategies: WaitStrategy) -> None:
        super().__init__()
        if not strategies or not all(isinstance(s, WaitStrategy) for s in strategies):
            raise ConfigurationError(
                f"CompositeWaitStrategy needs wait strategies, got {strategies!r}."
            )
        self.strategies = list(strategies)

    def with_startup_timeout(self, seconds: Any) -> CompositeWaitStrategy:
        super().with_startup_timeout(seconds)
        for strategy in self.strategies:
            strategy.with_startup_timeout(seconds)
        return self

    def with_poll_interval(self, seconds: Any) -> CompositeWaitStrategy:
        super().with_poll_interval(seconds)
        for strategy in self.strategies:
            strategy.with_poll_interval(seconds)
        return self

    def wait_until_ready(self, target: WaitTarget) -> None:
        for strategy in self.strategies:
            strategy.wait_until_ready(target)

    def describe(self) -> str:
        return "each of (" + ", ".join(s.describe() for s in self.strategies) + ")"


class FileExistsWaitStrategy(PollingWaitStrategy):
    """Ready once a file exists **on the host** (a volume the container writes to)."""

    def __init__(self, file_path: str | Path) -> None:
        super().__init__()
        self.path = Path(file_path)

    def is_ready(self, target: WaitTarget) -> bool:
        if not self.path.is_file():
            raise NotReady(f"{self.path} does not exist yet")
        return True

    def describe(self) -> str:
        return f"file {self.path} on the host"


class ContainerStatusWaitStrategy(PollingWaitStrategy):
    """Ready once the container runs (the check any start already makes: here for code
    that names it)."""

    def is_ready(self, target: WaitTarget) -> bool:
        target.check_running()
        return True
