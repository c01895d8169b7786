"""Readiness: strategies that decide when a started container is ready for the test.

Polling strategies run one cheap check every few tens of milliseconds. Before every
check the container's state is inspected, so a container that exits or is OOM-killed
while starting fails at once instead of after the timeout. Each check is bounded too
(HTTP timeouts and bounded reads, exec on a worker thread), so a response that streams
forever cannot outlive the startup timeout.

A strategy instance is only a description: every wait runs on a fresh copy, so one
instance may serve many containers (``start_all``, module-level constants) at once.
"""

from __future__ import annotations

import copy
import http.client
import re
import ssl
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Self

from ._config import positive_seconds
from ._errors import (
    ConfigurationError,
    ContainerStartupError,
    ReadinessAbort,
    StartupTimeoutError,
)
from ._host import tcp_reachable
from ._ports import Port, PortLike, parse_port

if TYPE_CHECKING:
    from ._container import DockerContainer, ExecResult

DEFAULT_POLL_INTERVAL = 0.05
# The longest one check may take (within what is left of the startup timeout).
CHECK_TIMEOUT_CAP = 10.0
# The most of an HTTP body read for matching.
MAX_BODY_BYTES = 1 << 20


class WaitTarget:
    """What a strategy may look at: the container, its host, ports, exec and logs."""

    def __init__(self, container: DockerContainer, timeout: float) -> None:
        self.container = container
        self.timeout = timeout
        self.deadline = time.monotonic() + timeout
        self._check_deadline = self.deadline

    def begin_check(self, deadline: float) -> None:
        """Start one check: it may take until ``deadline``, at most CHECK_TIMEOUT_CAP."""
        self._check_deadline = min(deadline, time.monotonic() + CHECK_TIMEOUT_CAP)

    def check_time_left(self) -> float:
        """Seconds the current check may still take (never less than a few milliseconds)."""
        return max(0.05, self._check_deadline - time.monotonic())

    def host(self) -> str:
        return self.container.host()

    def mapped_port(self, port: PortLike) -> int:
        # Each polling round starts with check_running(); inspecting again here would double
        # the engine calls of every poll.
        return self.container._mapped_port(port, check_running=False)

    def exposed_ports(self) -> list[Port]:
        return self.container.exposed_ports()

    def exec(self, command: str | Sequence[str]) -> ExecResult:
        """Run ``command`` in the container, giving up (TimeoutError) when the check's time
        is over. The exec keeps running on its daemon thread until it ends by itself."""
        timeout = self.check_time_left()
        outcome: list[ExecResult | BaseException] = []

        def run() -> None:
            try:
                outcome.append(self.container.exec(command))
            except BaseException as exc:  # handed to the waiting thread
                outcome.append(exc)

        worker = threading.Thread(target=run, name="dockyard-wait-exec", daemon=True)
        worker.start()
        worker.join(timeout)
        if not outcome:
            raise TimeoutError(f"exec {command!r} did not finish within {timeout:.1f}s")
        result = outcome[0]
        if isinstance(result, BaseException):
            raise result
        return result

    def logs(self) -> str:
        """stdout and stderr together, in the order the engine recorded them."""
        raw: bytes = self.container.get_wrapped_container().logs(stdout=True, stderr=True)
        return raw.decode(errors="replace")

    def check_running(self) -> None:
        """Raise ContainerStartupError at once if the container stopped while starting."""
        self.container._raise_if_exited()


class WaitStrategy(ABC):
    """Blocks in ``wait_until_ready`` until the container is ready, or raises."""

    @abstractmethod
    def wait_until_ready(self, target: WaitTarget) -> None: ...

    def describe(self) -> str:
        return type(self).__name__


class PollingWaitStrategy(WaitStrategy):
    """Calls ``is_ready`` every ``poll_interval`` seconds until it is true or time runs out.

    An ordinary exception from ``is_ready`` means "not yet" and is kept for the timeout
    message; ReadinessAbort fails at once.
    """

    def __init__(self) -> None:
        self.poll_interval = DEFAULT_POLL_INTERVAL
        self.timeout: float | None = None
        self.last_error: BaseException | None = None

    def with_poll_interval(self, seconds: float) -> Self:
        self.poll_interval = positive_seconds("poll interval", seconds)
        return self

    def with_startup_timeout(self, seconds: float) -> Self:
        self.timeout = positive_seconds("startup timeout", seconds)
        return self

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

    def check(self, target: WaitTarget) -> bool:
        """One round of ``is_ready`` with the "exception means not yet" rule applied."""
        try:
            ready = bool(self.is_ready(target))
        except (ReadinessAbort, ContainerStartupError):
            raise
        except Exception as exc:
            self.last_error = exc
            return False
        if ready:
            self.last_error = None
        return ready

    def wait_until_ready(self, target: WaitTarget) -> None:
        self.fresh()._poll(target)

    def _poll(self, target: WaitTarget) -> None:
        deadline = target.deadline
        if self.timeout is not None:
            deadline = min(deadline, time.monotonic() + self.timeout)
        while True:
            target.check_running()
            target.begin_check(deadline)
            if self.check(target):
                return
            if time.monotonic() >= deadline:
                reason = f"; last check failed with: {self.last_error!r}" if self.last_error else ""
                raise StartupTimeoutError(
                    f"Container {target.container.describe()} was not ready within "
                    f"{target.timeout:g}s waiting for {self.describe()}{reason}. Raise the timeout "
                    "with with_startup_timeout() or DOCKYARD_STARTUP_TIMEOUT, or fix the check",
                    logs=target.container._tail_logs(),
                    container_id=target.container.id,
                )
            time.sleep(self.poll_interval)


class LogMessageWaitStrategy(PollingWaitStrategy):
    """Ready once ``pattern`` (a regex) matched ``times`` times across stdout and stderr."""

    def __init__(self, pattern: str | re.Pattern[str], times: int = 1) -> None:
        super().__init__()
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

    def is_ready(self, target: WaitTarget) -> bool:
        return sum(1 for _ in self.pattern.finditer(target.logs())) >= self.times

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
        result = target.exec(["cat", *files])
        if result.exit_code not in _NO_TOOL_EXIT_CODES and b"exec failed" not in result.output:
            return port.number in listening_ports(
                result.output.decode(errors="replace"), port.protocol
            )
        if port.protocol == "tcp":
            probe = target.exec(["bash", "-c", f"</dev/tcp/127.0.0.1/{port.number}"])
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
                if not tcp_reachable(host, mapped, timeout=min(1.0, target.check_time_left())):
                    raise ConnectionError(f"{host}:{mapped} refused or timed out")
        return True

    def describe(self) -> str:
        return f"listening ports {[str(p) for p in self.ports] or 'exposed'}"


StatusCheck = int | Iterable[int] | Callable[[int], bool]


class HttpWaitStrategy(PollingWaitStrategy):
    """Ready once an HTTP(S) request to a mapped port returns the expected status/body."""

    def __init__(
        self,
        port: PortLike,
        path: str = "/",
        *,
        status: StatusCheck = 200,
        body: str | None = None,
        https: bool = False,
        method: str = "GET",
        headers: dict[str, str] | None = None,
        tls_verify: bool = False,
        request_timeout: float = 2.0,
    ) -> None:
        super().__init__()
        self.port = parse_port(port)
        if self.port.protocol != "tcp":
            raise ConfigurationError(f"HTTP needs a tcp port, got {self.port}.")
        self.path = path if path.startswith("/") else "/" + path
        self._status: Callable[[int], bool]
        if callable(status):
            self._status = status
        elif isinstance(status, int):
            wanted_status = status

            def equal(code: int) -> bool:
                return code == wanted_status

            self._status = equal
        else:
            allowed = frozenset(status)
            self._status = lambda code: code in allowed
        self.body = re.compile(body) if body is not None else None
        self.https = https
        self.method = method
        self.headers = dict(headers or {})
        self.tls_verify = tls_verify
        self.request_timeout = positive_seconds("request timeout", request_timeout)

    def is_ready(self, target: WaitTarget) -> bool:
        host, port = target.host(), target.mapped_port(self.port)
        timeout = min(self.request_timeout, target.check_time_left())
        deadline = time.monotonic() + timeout
        conn: http.client.HTTPConnection
        if self.https:
            context = ssl.create_default_context()
            if not self.tls_verify:  # test services use self-signed certificates
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            conn = http.client.HTTPSConnection(host, port, timeout=timeout, context=context)
        else:
            conn = http.client.HTTPConnection(host, port, timeout=timeout)
        try:
            conn.request(self.method, self.path, headers=self.headers)
            response = conn.getresponse()
            if not self._status(response.status):
                raise ValueError(f"HTTP {response.status} from {self.path}")
            if self.body is not None:
                self._match_body(conn, response, deadline)
        finally:
            conn.close()
        return True

    def _match_body(
        self, conn: http.client.HTTPConnection, response: http.client.HTTPResponse, deadline: float
    ) -> None:
        """Read until the body matches, ends, grows past MAX_BODY_BYTES or time is up."""
        assert self.body is not None
        data = b""
        why = "ended"
        while True:
            if self.body.search(data.decode(errors="replace")):
                return
            left = deadline - time.monotonic()
            if left <= 0:
                why = "was still streaming when the check's time was up"
                break
            if len(data) >= MAX_BODY_BYTES:
                why = f"reached {MAX_BODY_BYTES} bytes"
                break
            if conn.sock is not None:
                conn.sock.settimeout(left)
            chunk = response.read1(65536)
            if not chunk:
                break
            data += chunk
        raise ValueError(f"body of {self.path} does not match /{self.body.pattern}/ (it {why})")

    def describe(self) -> str:
        scheme = "https" if self.https else "http"
        return f"{scheme} {self.method} {self.path} on {self.port}"


class ExecWaitStrategy(PollingWaitStrategy):
    """Ready once a command run inside the container exits with ``exit_code``."""

    def __init__(self, command: str | Sequence[str], exit_code: int = 0) -> None:
        super().__init__()
        if not command:
            raise ConfigurationError("ExecWaitStrategy needs a command.")
        self.command = command
        self.exit_code = exit_code

    def is_ready(self, target: WaitTarget) -> bool:
        result = target.exec(self.command)
        if result.exit_code != self.exit_code:
            raise ValueError(f"exit code {result.exit_code}: {result.output[-300:]!r}")
        return True

    def describe(self) -> str:
        return f"command {self.command!r} to exit {self.exit_code}"


class HealthcheckWaitStrategy(PollingWaitStrategy):
    """Ready once Docker reports the image's HEALTHCHECK as healthy."""

    def is_ready(self, target: WaitTarget) -> bool:
        # check_running() reloaded the container at the start of this round.
        wrapped = target.container.get_wrapped_container()
        health = wrapped.attrs.get("State", {}).get("Health")
        if not health:
            raise ReadinessAbort(
                "The container has no health check; add a HEALTHCHECK to the image, pass "
                "healthcheck=... to DockerContainer, or use another wait strategy."
            )
        status = health.get("Status")
        if status != "healthy":
            raise ValueError(f"health status is {status}")
        return True

    def describe(self) -> str:
        return "Docker health check"


class CallableWaitStrategy(PollingWaitStrategy):
    """Ready once ``fn(container)`` returns something truthy or None (e.g. a SQL query)."""

    def __init__(self, fn: Callable[[DockerContainer], Any], description: str = "") -> None:
        super().__init__()
        self.fn = fn
        self.description = description or getattr(fn, "__name__", "callable")

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
            if not strategy.check(target):
                if strategy.last_error is not None:
                    raise strategy.last_error
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
            if strategy.check(target):
                return True
            if strategy.last_error is not None:
                errors.append(f"{strategy.describe()}: {strategy.last_error!r}")
        if errors:
            raise ValueError("; ".join(errors))
        return False

    def describe(self) -> str:
        return "any of (" + ", ".join(s.describe() for s in self.strategies) + ")"
