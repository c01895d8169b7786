"""Readiness: strategies that decide when a started container is ready for the test.

A strategy sees the container only through ``WaitTarget``, a Protocol the running
container satisfies. Nothing here asks the engine to find out whether the container is
still up or what it printed: the container's one log stream delivers its output and the
moment it exits, so a container that dies while starting fails the wait at once, and log
strategies wake on each new chunk instead of re-fetching the logs. Probes that talk to
the service (TCP, HTTP, a query, a PING) go to the service and poll at tens of ms.

Only connection-level failures mean "not ready yet" (``OSError`` and its kin, ``NotReady``
raised on purpose, and the errors a strategy declares transient); any other exception from
a check fails the wait at once with the cause, because waiting would not change it.

A strategy instance is only a description: every wait runs on a fresh copy, so one
instance may serve many containers (``start_all``, module-level constants) at once.
"""

from __future__ import annotations

import copy
import logging
import re
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any, ClassVar, Protocol, Self, runtime_checkable

from ._compat_config import testcontainers_config
from ._config import positive_seconds
from ._errors import (
    ConfigurationError,
    ContainerNotRunningError,
    DockyardError,
    ReadinessAbort,
    StartupTimeoutError,
)
from ._exec import ExecResult
from ._host import tcp_reachable
from ._ports import Port, PortLike, parse_port

log = logging.getLogger("dockyard.core.wait")

DEFAULT_POLL_INTERVAL = 0.05
# The longest one check may take (within what is left of the startup timeout).
CHECK_TIMEOUT_CAP = 10.0


class NotReady(DockyardError):
    """Raise from a check to say "not yet" with a reason (kept for the timeout message)."""


@runtime_checkable
class WaitTarget(Protocol):
    """What a strategy may look at while a container starts."""

    @property
    def container(self) -> Any:
        """The ``DockerContainer`` being started (what a ``CallableWaitStrategy`` gets)."""

    @property
    def timeout(self) -> float: ...

    @property
    def deadline(self) -> float:
        """``time.monotonic()`` by which the container must be ready."""

    def host(self) -> str: ...

    def mapped_port(self, port: PortLike) -> int: ...

    def exposed_ports(self) -> list[Port]: ...

    def exec(self, command: str | Sequence[str], timeout: float | None = None) -> ExecResult:
        """Run a command inside; ``timeout`` bounds the wait (TimeoutError)."""

    def logs(self) -> str:
        """stdout and stderr so far, in order (from the log stream: no engine request)."""

    def output_size(self) -> int:
        """How many bytes of output arrived so far (a position for ``wait_for_output``)."""

    def streams(self) -> tuple[str, str]:
        """stdout and stderr so far, each on its own."""

    def wait_for_output(self, seen: int, timeout: float) -> int:
        """Block until output beyond position ``seen`` arrived, the container exited or
        ``timeout`` passed; returns the position then."""

    def check_running(self) -> None:
        """Raise ContainerStartupError (exit code, last lines) if the container stopped."""

    def health_status(self) -> str | None:
        """The engine's health check status, None when the image has no health check."""

    def describe(self) -> str: ...

    def tail_logs(self) -> str: ...


def _seconds(name: str, value: float | timedelta) -> float:
    if isinstance(value, timedelta):
        value = value.total_seconds()
    return positive_seconds(name, value)


class WaitStrategy(ABC):
    """Blocks in ``wait_until_ready`` until the container is ready, or raises.

    Every strategy takes ``with_startup_timeout`` (a limit of its own within the
    container's startup timeout), ``with_poll_interval`` and ``with_transient_exceptions``;
    a strategy written for testcontainers-python also finds its ``_startup_timeout``,
    ``_poll_interval``, ``_transient_exceptions`` and ``_poll(check)`` here.
    """

    def __init__(self) -> None:
        self.timeout: float | None = None
        self.poll_interval: float = DEFAULT_POLL_INTERVAL
        self._transient_exceptions: list[type[BaseException]] = [TimeoutError, ConnectionError]

    @abstractmethod
    def wait_until_ready(self, target: WaitTarget) -> None: ...

    def describe(self) -> str:
        return type(self).__name__

    def with_startup_timeout(self, seconds: float | timedelta) -> Self:
        self.timeout = _seconds("startup timeout", seconds)
        return self

    def with_poll_interval(self, seconds: float | timedelta) -> Self:
        self.poll_interval = _seconds("poll interval", seconds)
        return self

    def with_transient_exceptions(self, *kinds: type[BaseException]) -> Self:
        """More exceptions that mean "not yet" for this strategy's checks."""
        for kind in kinds:
            if not (isinstance(kind, type) and issubclass(kind, BaseException)):
                raise ConfigurationError(f"{kind!r} is not an exception class.")
        self._transient_exceptions.extend(kinds)
        return self

    @property
    def _startup_timeout(self) -> float:
        """testcontainers-python's name: this strategy's timeout (the config's when unset)."""
        return self.timeout if self.timeout is not None else testcontainers_config.timeout

    @_startup_timeout.setter
    def _startup_timeout(self, seconds: float) -> None:
        self.timeout = float(seconds)

    @property
    def _poll_interval(self) -> float:
        return self.poll_interval

    @_poll_interval.setter
    def _poll_interval(self, seconds: float) -> None:
        self.poll_interval = float(seconds)

    def _poll(
        self,
        check: Callable[[], Any],
        transient_exceptions: Sequence[type[BaseException]] | None = None,
    ) -> Any:
        """testcontainers-python's loop for strategies of its style: ``check()`` until it is
        truthy (returned) or the timeout passes (False); a transient exception means retry,
        any other raises RuntimeError from it."""
        kinds = (*self._transient_exceptions, *(transient_exceptions or ()))
        began = time.monotonic()
        while time.monotonic() - began <= self._startup_timeout:
            attempt = time.monotonic()
            try:
                result = check()
                if result:
                    return result
            except StopIteration:
                return False
            except Exception as exc:
                if not isinstance(exc, kinds):
                    raise RuntimeError(f"exception while checking for strategy {self}") from exc
            time.sleep(max(0.0, self.poll_interval - (time.monotonic() - attempt)))
        return False


def _effective(target: WaitTarget, own_timeout: float | None) -> tuple[float, float]:
    """(deadline, timeout) of one wait: the strategy's own timeout within the container's."""
    if own_timeout is None:
        return target.deadline, target.timeout
    deadline = min(target.deadline, time.monotonic() + own_timeout)
    return deadline, min(own_timeout, target.timeout)


def _timeout_error(
    target: WaitTarget, timeout: float, what: str, last_error: BaseException | None
) -> StartupTimeoutError:
    reason = f"; last check failed with: {last_error!r}" if last_error else ""
    return StartupTimeoutError(
        f"Container {target.describe()} was not ready within {timeout:g}s waiting for "
        f"{what}{reason}. Raise the timeout with with_startup_timeout() or "
        "DOCKYARD_STARTUP_TIMEOUT, or fix the check",
        logs=target.tail_logs(),
    )


class PollingWaitStrategy(WaitStrategy):
    """Calls ``is_ready`` every ``poll_interval`` seconds until it is true or time runs out.

    ``is_ready`` returning False, or raising ``NotReady``, an ``OSError`` (refused, reset,
    timed out) or one of ``transient_errors``, means "not yet" (the error is kept for the
    timeout message). ReadinessAbort, and any other exception, fails at once.
    """

    #: Exceptions that mean "not yet" besides OSError and NotReady (e.g. a driver's
    #: connection error); subclasses extend it.
    transient_errors: ClassVar[tuple[type[BaseException], ...]] = ()

    def __init__(self) -> None:
        super().__init__()
        self.last_error: BaseException | None = None
        self._check_deadline = 0.0

    def fresh(self) -> Self:
        """A copy with no state from earlier waits: what one wait runs on."""
        run = copy.copy(self)
        run.last_error = None
        run._reset_run_state()
        return run

    def _reset_run_state(self) -> None:
        """Hook: reset (on the copy) whatever state a strategy keeps during one wait."""

    @abstractmethod
    def is_ready(self, target: WaitTarget) -> bool: ...

    def check_time_left(self) -> float:
        """Seconds the current check may still take (never less than a few milliseconds)."""
        return max(0.05, self._check_deadline - time.monotonic())

    def is_transient(self, error: BaseException) -> bool:
        kinds: tuple[type[BaseException], ...] = (
            NotReady,
            OSError,
            *self.transient_errors,
            *self._transient_exceptions,
        )
        return isinstance(error, kinds)

    def check(self, target: WaitTarget, deadline: float | None = None) -> bool:
        """One round of ``is_ready`` with the "only connection failures mean not yet" rule."""
        limit = deadline if deadline is not None else target.deadline
        self._check_deadline = min(limit, time.monotonic() + CHECK_TIMEOUT_CAP)
        try:
            ready = bool(self.is_ready(target))
        except NotReady as exc:
            self.last_error = exc
            return False
        except DockyardError:
            raise  # ours already says what is wrong (a missing driver, an abort, an exit)
        except Exception as exc:
            if not self.is_transient(exc):
                raise ReadinessAbort(
                    f"Readiness check {self.describe()} failed with {exc!r}; that is not a "
                    "connection failure, so waiting would not help. Fix the check or the "
                    "container's configuration"
                ) from exc
            self.last_error = exc
            log.debug("%s on %s: not yet (%s)", self.describe(), target.describe(), exc)
            return False
        if ready:
            self.last_error = None
        log.debug(
            "%s on %s: %s", self.describe(), target.describe(), "ready" if ready else "not yet"
        )
        return ready

    def wait_until_ready(self, target: WaitTarget) -> None:
        self.fresh()._wait(target)

    def _wait(self, target: WaitTarget) -> None:
        deadline, timeout = _effective(target, self.timeout)
        while True:
            target.check_running()
            try:
                ready = self.check(target, deadline)
            except ContainerNotRunningError:
                # It exited during the check (a mapped port asked for too late): the startup
                # error, with its exit code and last lines, says more than "not running".
                target.check_running()
                raise
            if ready:
                return
            left = deadline - time.monotonic()
            if left <= 0:
                raise _timeout_error(target, timeout, self.describe(), self.last_error)
            # Sleeps, but wakes at once when the container exits (its log stream ends).
            seen = target.output_size()
            deadline_of_pause = time.monotonic() + min(self.poll_interval, left)
            while time.monotonic() < deadline_of_pause:
                seen = target.wait_for_output(seen, deadline_of_pause - time.monotonic())
                target.check_running()


class LogMessageWaitStrategy(PollingWaitStrategy):
    """Ready once ``pattern`` (a regex) matched ``times`` times across stdout and stderr.

    Woken by each chunk the container prints; it never asks the engine for the logs.
    """

    def __init__(
        self,
        pattern: str | re.Pattern[str],
        times: int = 1,
        predicate_streams_and: bool = False,
    ) -> None:
        """``predicate_streams_and``: the pattern must match in stdout *and* in stderr
        (testcontainers-python's option); by default stdout and stderr are one text."""
        super().__init__()
        self.predicate_streams_and = predicate_streams_and
        if isinstance(times, bool) or not isinstance(times, int) or times < 1:
            raise ConfigurationError(f"times must be a positive int, got {times!r}.")
        try:
            self.pattern = (
                re.compile(pattern, re.MULTILINE) if isinstance(pattern, str) else pattern
            )
        except re.error as exc:
            raise ConfigurationError(
                f"Log pattern {pattern!r} is not a valid regex: {exc}"
            ) from exc
        self.times = times

    def matches(self, text: str) -> bool:
        return sum(1 for _ in self.pattern.finditer(text)) >= self.times

    def _matched(self, target: WaitTarget) -> bool:
        if self.predicate_streams_and:
            return all(self.matches(stream) for stream in target.streams())
        return self.matches(target.logs())

    def is_ready(self, target: WaitTarget) -> bool:
        return self._matched(target)

    def _wait(self, target: WaitTarget) -> None:
        deadline, timeout = _effective(target, self.timeout)
        while True:
            seen = target.output_size()
            if self._matched(target):
                return
            target.check_running()
            left = deadline - time.monotonic()
            if left <= 0:
                raise _timeout_error(target, timeout, self.describe(), None)
            target.wait_for_output(seen, left)

    def describe(self) -> str:
        return f"log message /{self.pattern.pattern}/ x{self.times}"


_LISTEN_STATE = {"tcp": "0A", "udp": "07"}
_NO_TOOL_EXIT_CODES = (126, 127)


def listening_ports(proc_net_text: str, protocol: str) -> set[int]:
    """Ports in LISTEN state (tcp) or bound (udp) in /proc/net/{tcp,udp}[6] text."""
    wanted = _LISTEN_STATE.get(protocol, "0A")
    ports: set[int] = set()
    for line in proc_net_text.splitlines():
        fields = line.split()
        if len(fields) < 4 or ":" not in fields[1] or fields[0] == "sl":
            continue
        if fields[3].upper() == wanted:
            try:
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
            except ValueError:
                continue
    return ports


class PortWaitStrategy(PollingWaitStrategy):
    """Ready once the ports listen inside the container and answer a TCP connect from here.

    Inside: /proc/net/tcp is read through exec (falling back to bash's /dev/tcp), which
    is needed because docker-proxy accepts host connections before the service listens.
    With no ports given, every exposed port is checked.
    """

    def __init__(self, *ports: PortLike, internal: bool = True, external: bool = True) -> None:
        super().__init__()
        self.ports = [parse_port(p) for p in ports]
        self.internal = internal
        self.external = external
        self._inside_unavailable = False

    def _reset_run_state(self) -> None:
        self._inside_unavailable = False

    def _targets(self, target: WaitTarget) -> list[Port]:
        return self.ports or target.exposed_ports()

    def _listening_inside(self, target: WaitTarget, port: Port) -> bool:
        if self._inside_unavailable or port.protocol not in _LISTEN_STATE:
            return True
        files = [f"/proc/net/{port.protocol}", f"/proc/net/{port.protocol}6"]
        result = target.exec(["cat", *files], timeout=self.check_time_left())
        if result.exit_code not in _NO_TOOL_EXIT_CODES and b"exec failed" not in result.output:
            return port.number in listening_ports(
                result.output.decode(errors="replace"), port.protocol
            )
        if port.protocol == "tcp":
            probe = target.exec(
                ["bash", "-c", f"</dev/tcp/127.0.0.1/{port.number}"],
                timeout=self.check_time_left(),
            )
            if probe.exit_code not in _NO_TOOL_EXIT_CODES:
                return probe.exit_code == 0
        # Neither cat nor bash in the image: the host-side check is all we can do.
        self._inside_unavailable = True
        return True

    def is_ready(self, target: WaitTarget) -> bool:
        for port in self._targets(target):
            if self.internal and not self._listening_inside(target, port):
                return False
            if self.external and port.protocol == "tcp":
                host, mapped = target.host(), target.mapped_port(port)
                if not tcp_reachable(host, mapped, timeout=min(1.0, self.check_time_left())):
                    raise ConnectionError(f"{host}:{mapped} refused or timed out")
        return True

    def describe(self) -> str:
        return f"listening ports {[str(p) for p in self.ports] or 'exposed'}"


class ExecWaitStrategy(PollingWaitStrategy):
    """Ready once a command run inside the container exits with ``exit_code``."""

    def __init__(
        self,
        command: str | Sequence[str],
        exit_code: int = 0,
        *,
        expected_exit_code: int | None = None,
    ) -> None:
        """``expected_exit_code`` is testcontainers-python's name for ``exit_code``."""
        super().__init__()
        if not command:
            raise ConfigurationError("ExecWaitStrategy needs a command.")
        self.command = command
        self.exit_code = exit_code if expected_exit_code is None else expected_exit_code

    def is_ready(self, target: WaitTarget) -> bool:
        result = target.exec(self.command, timeout=self.check_time_left())
        if result.exit_code != self.exit_code:
            raise NotReady(f"exit code {result.exit_code}: {result.output[-300:]!r}")
        return True

    def describe(self) -> str:
        return f"command {self.command!r} to exit {self.exit_code}"


class HealthcheckWaitStrategy(PollingWaitStrategy):
    """Ready once Docker reports the image's HEALTHCHECK as healthy."""

    def __init__(self) -> None:
        super().__init__()
        # The engine runs health checks at their own interval; asking it more often is waste.
        self.poll_interval = 0.1

    def is_ready(self, target: WaitTarget) -> bool:
        status = target.health_status()
        if status is None:
            raise ReadinessAbort(
                "The container has no health check; add a HEALTHCHECK to the image, pass "
                "healthcheck=... to DockerContainer, or use another wait strategy."
            )
        if status == "unhealthy":
            # The engine gave up after the health check's retries: so does the wait.
            raise ReadinessAbort(
                "The container's health check reports it unhealthy; see its last probes "
                "with `docker inspect` (State.Health.Log) and its logs below"
            )
        if status != "healthy":
            raise NotReady(f"health status is {status}")
        return True

    def describe(self) -> str:
        return "Docker health check"


class CallableWaitStrategy(PollingWaitStrategy):
    """Ready once ``fn(container)`` returns something truthy or None (e.g. a SQL query).

    ``transient`` names the exceptions of ``fn`` that mean "not yet" (a driver's
    connection error, say) besides ``OSError`` and ``NotReady``.
    """

    def __init__(
        self,
        fn: Callable[[Any], Any],
        description: str = "",
        *,
        transient: Sequence[type[BaseException]] = (),
    ) -> None:
        super().__init__()
        self.fn = fn
        self.description = description or getattr(fn, "__name__", "callable")
        self._transient = tuple(transient)

    def is_transient(self, error: BaseException) -> bool:
        return super().is_transient(error) or isinstance(error, self._transient)

    def is_ready(self, target: WaitTarget) -> bool:
        result = self.fn(target.container)
        return result is None or bool(result)

    def describe(self) -> str:
        return f"callable {self.description}"


def _polling(strategies: Sequence[WaitStrategy], owner: str) -> list[PollingWaitStrategy]:
    if not strategies:
        raise ConfigurationError(f"{owner} needs at least one strategy.")
    for s in strategies:
        if not isinstance(s, PollingWaitStrategy):
            raise ConfigurationError(f"{owner} combines polling strategies only, got {s!r}.")
    return list(strategies)  # type: ignore[arg-type]


class AllOf(PollingWaitStrategy):
    """Ready once every strategy was ready (each is no longer checked once it passed)."""

    def __init__(self, *strategies: WaitStrategy) -> None:
        super().__init__()
        self.strategies = _polling(strategies, "AllOf")
        self._done: set[int] = set()

    def _reset_run_state(self) -> None:
        self.strategies = [s.fresh() for s in self.strategies]
        self._done = set()

    def is_ready(self, target: WaitTarget) -> bool:
        for index, strategy in enumerate(self.strategies):
            if index in self._done:
                continue
            if not strategy.check(target, self._check_deadline):
                if strategy.last_error is not None:
                    raise NotReady(f"{strategy.describe()}: {strategy.last_error!r}")
                return False
            self._done.add(index)
        return True

    def describe(self) -> str:
        return "all of (" + ", ".join(s.describe() for s in self.strategies) + ")"


class AnyOf(PollingWaitStrategy):
    """Ready as soon as one of the strategies is ready."""

    def __init__(self, *strategies: WaitStrategy) -> None:
        super().__init__()
        self.strategies = _polling(strategies, "AnyOf")

    def _reset_run_state(self) -> None:
        self.strategies = [s.fresh() for s in self.strategies]

    def is_ready(self, target: WaitTarget) -> bool:
        errors = []
        for strategy in self.strategies:
            if strategy.check(target, self._check_deadline):
                return True
            if strategy.last_error is not None:
                errors.append(f"{strategy.describe()}: {strategy.last_error!r}")
        if errors:
            raise NotReady("; ".join(errors))
        return False

    def describe(self) -> str:
        return "any of (" + ", ".join(s.describe() for s in self.strategies) + ")"


def run_bounded(fn: Callable[[], Any], timeout: float, what: str) -> Any:
    """Run ``fn`` on a daemon thread, giving up (TimeoutError) after ``timeout`` seconds.

    For engine requests that can hang (an exec whose command never ends): the request
    keeps running on its thread until it ends by itself.
    """
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append((True, fn()))
        except BaseException as exc:  # handed to the waiting thread
            outcome.append((False, exc))

    worker = threading.Thread(target=run, name="dockyard-bounded", daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcome:
        raise TimeoutError(f"{what} did not finish within {timeout:.1f}s")
    ok, value = outcome[0]
    if not ok:
        raise value
    return value
