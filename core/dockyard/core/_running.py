"""RunningContainer: the handle on one started container.

It is made from one inspection right after start (ports, name, networks) and the
container's log stream, and answers from those: ``mapped_port()`` needs no request while
the container runs, and knows the moment it stops (the stream ends), so a stale port is
never handed out. It satisfies ``WaitTarget``, which is all a wait strategy sees.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._archive import archive_for, extract_archive
from ._engine import Engine
from ._errors import (
    ConflictError,
    ContainerNotRunningError,
    ContainerStartupError,
    DockyardError,
    EngineError,
    NotFoundError,
    PortNotExposedError,
    PortNotPublishedError,
)
from ._exec import ExecConfig, ExecResult
from ._inspect import POLL, TAIL_LINES, published_ports, status_of
from ._logs import LogCallback, LogFollower, LogWatcher
from ._ports import Port, PortLike, parse_port
from ._spec import ContainerSpec, check_command
from ._wait import run_bounded

if TYPE_CHECKING:
    from ._session import Session

log = logging.getLogger("dockyard.core.container")

PORT_PUBLISH_TIMEOUT = 5.0


class RunningContainer:
    """A started container: its id, ports, host, output, and commands run inside it."""

    def __init__(
        self,
        session: Session,
        attrs: dict[str, Any],
        spec: ContainerSpec,
        image: str,
        *,
        owner: Any = None,
        created: bool = True,
        mode: str = "plain",
    ) -> None:
        self.session = session
        #: False when the container was found running (reused or shared): one-time setup
        #: in ``_on_started`` is then its creator's business.
        self.created = created
        #: "plain" (this process's), "reuse" (persistent) or "shared" (every process's).
        self.mode = mode
        self.attrs = attrs
        self.spec = spec
        self.image = image
        self.owner = owner
        self.id = str(attrs["Id"])
        self.name = str(attrs.get("Name") or "").lstrip("/")
        self._tty = bool((attrs.get("Config") or {}).get("Tty"))
        self._ports: dict[Port, int] = {}
        self._exit: dict[str, Any] | None = None
        self._lock = threading.Lock()
        self._removed = False
        self._oom_killed = False
        self._events: Any = None
        self._watcher = LogWatcher(self.engine.follow_logs(self.id, tty=self._tty), self.id[:12])

    @property
    def engine(self) -> Engine:
        return self.session.engine

    @property
    def short_id(self) -> str:
        return self.id[:12]

    def describe(self) -> str:
        return f"{self.image} ({self.short_id})"

    @property
    def container(self) -> Any:
        """The ``DockerContainer`` this handle belongs to (or the handle itself)."""
        return self.owner if self.owner is not None else self

    # -- state ---------------------------------------------------------------------------
    @property
    def exited(self) -> bool:
        """True once the container stopped (its log stream ended)."""
        return self._removed or self._watcher.ended

    def exit_state(self) -> dict[str, Any]:
        """The engine's ``State`` after the container stopped (one inspection, then kept)."""
        with self._lock:
            if self._exit is None:
                try:
                    self.attrs = self.engine.inspect_container(self.id)
                    self._exit = dict(self.attrs.get("State") or {})
                except NotFoundError:
                    self._exit = {"Status": "removed"}
            return self._exit

    def reload(self) -> dict[str, Any]:
        """Inspect again (status, health, ports); returns the fresh inspect data."""
        try:
            self.attrs = self.engine.inspect_container(self.id)
        except NotFoundError:
            raise self._gone() from None
        return self.attrs

    @property
    def status(self) -> str:
        if self.exited:
            return str(self.exit_state().get("Status") or "exited")
        return "running"

    def _gone(self) -> ContainerNotRunningError:
        return ContainerNotRunningError(
            f"Container {self.describe()} no longer exists (removed outside Dockyard, or "
            "stopped); start a new container"
        )

    def require_running(self) -> None:
        """Raise ContainerNotRunningError once the container stopped (no engine request)."""
        if not self.exited:
            return
        state = self.exit_state()
        if state.get("Status") == "removed" or self._removed:
            raise self._gone()
        raise ContainerNotRunningError(
            f"Container {self.describe()} is not running (status {state.get('Status')}, exit "
            f"code {state.get('ExitCode')}), so its mapped ports are gone; check its logs "
            "with get_logs() and start a new container"
        )

    def watch_for_oom(self) -> None:
        """While it starts: learn (one streaming request) when a process in it is OOM-killed,
        which the container itself may survive."""
        since = _started_at(self.attrs)
        self._events = self.engine.events(
            {"container": [self.id], "event": ["oom"]}, since=since, until=None
        )
        events = self._events

        def watch() -> None:
            try:
                for _ in events:
                    self._oom_killed = True
                    self._watcher.poke()
            except Exception as exc:  # closed by stop_watching_events(), or the engine left
                log.debug("event stream of %s ended: %r", self.short_id, exc)

        threading.Thread(target=watch, name=f"dockyard-events-{self.short_id}", daemon=True).start()

    def stop_watching_events(self) -> None:
        events, self._events = self._events, None
        if events is not None:
            try:
                events.close()
            except Exception as exc:  # already ended
                log.debug("closing the event stream of %s: %r", self.short_id, exc)

    def check_running(self) -> None:
        """During startup: a container that stopped fails at once, with why and its logs."""
        if self._oom_killed and not self._watcher.wait_for_end(0.5):
            # Still running half a second after the kill: the container survived it.
            raise ContainerStartupError(
                f"A process in container {self.describe()} was OOM-killed while it started "
                "(the container itself still runs); give it more memory (mem_limit) or make "
                "it use less",
                logs=self.tail_logs(),
                container_id=self.id,
            )
        if not self.exited:
            return
        # The stream ends a moment before the engine records the exit; read the state once
        # that happened (bounded), so the exit code is the real one.
        state = self.exit_state()
        deadline = time.monotonic() + 2.0
        while state.get("Status") == "running" and time.monotonic() < deadline:
            time.sleep(POLL)
            with self._lock:
                self._exit = None
            state = self.exit_state()
        if state.get("Status") == "removed":
            raise ContainerStartupError(
                f"Container {self.describe()} disappeared while starting (removed by someone "
                "else, or auto_remove after it exited)",
                logs=self.tail_logs(),
                container_id=self.id,
            )
        if state.get("OOMKilled"):
            raise ContainerStartupError(
                f"Container {self.describe()} was OOM-killed while starting; give it more "
                "memory (mem_limit) or make it use less",
                exit_code=state.get("ExitCode"),
                logs=self.tail_logs(),
                container_id=self.id,
            )
        raise ContainerStartupError(
            f"Container {self.describe()} exited while starting; see its logs below",
            exit_code=state.get("ExitCode"),
            logs=self.tail_logs(),
            container_id=self.id,
        )

    # -- ports and host ----------------------------------------------------------------------
    def exposed_ports(self) -> list[Port]:
        return self.spec.exposed_ports

    def mapped_port(self, port: PortLike) -> int:
        """The host port published for ``port``; only while the container runs."""
        wanted = parse_port(port)
        if wanted not in self.spec.exposed_ports:
            raise PortNotExposedError(str(wanted), [str(p) for p in self.spec.exposed_ports])
        self.require_running()
        if self.session.config.connection_mode == "bridge_ip":
            return wanted.number  # reached on the container's own address
        if wanted in self._ports:
            return self._ports[wanted]
        return self._read_port(wanted)

    def _read_port(self, port: Port) -> int:
        """From the inspection at start; re-read briefly if the engine had not published it."""
        deadline = time.monotonic() + PORT_PUBLISH_TIMEOUT
        while True:
            published = published_ports(self.attrs, str(port))
            if published:
                self._ports[port] = published[0]
                return published[0]
            if time.monotonic() >= deadline:
                raise PortNotPublishedError(
                    f"Port {port} of {self.describe()} has no published host port after "
                    f"{PORT_PUBLISH_TIMEOUT:g}s (container state: {status_of(self.attrs)}). Is "
                    "the container running with network_mode=host or none?"
                )
            time.sleep(POLL)
            self.check_running()
            self.reload()

    def publish_all(self, *, strict: bool = True) -> None:
        """Read every exposed port now; a port never published fails the start.

        A container that exits meanwhile fails it too when ``strict``, else it is left as
        it is (stopped, without ports).
        """
        for port in self.spec.exposed_ports:
            if port in self._ports:
                continue
            try:
                self._read_port(port)
            except ContainerStartupError:
                if strict:
                    raise
                return

    def host(self) -> str:
        """The address the test process uses to reach this container's published ports."""

        mode = self.session.config.connection_mode
        if mode in ("bridge_ip", "gateway_ip") and not self.session.config.host_override:
            # testcontainers-python's connection modes, for a test process in a container.
            return self._network_address("IPAddress" if mode == "bridge_ip" else "Gateway")

        def probe_port() -> int | None:
            tcp = [p for p in self.spec.exposed_ports if p.protocol == "tcp"]
            return self.mapped_port(tcp[0]) if tcp else None

        return self.session.host(probe_port)

    def _network_address(self, field: str) -> str:
        settings = self.attrs.get("NetworkSettings") or {}
        networks = settings.get("Networks") or {}
        for name in [*self.spec.network_names, *networks]:
            value = (networks.get(name) or {}).get(field)
            if value:
                return str(value)
        return str(settings.get(field) or "")

    # -- output -------------------------------------------------------------------------------
    def logs(self) -> str:
        return self._watcher.text()

    def output_size(self) -> int:
        return self._watcher.size

    def streams(self) -> tuple[str, str]:
        """stdout and stderr so far, separately (from the log stream: no engine request)."""
        return self._watcher.streams()

    def wait_for_output(self, seen: int, timeout: float) -> int:
        self._watcher.wait_for_change(seen, timeout)
        return self._watcher.size

    def tail_logs(self, lines: int = TAIL_LINES) -> str:
        return self._watcher.tail(lines)

    def get_logs(self) -> tuple[bytes, bytes]:
        """stdout and stderr, separately (two requests)."""
        try:
            return (
                self.engine.logs(self.id, tty=self._tty, stdout=True, stderr=False),
                self.engine.logs(self.id, tty=self._tty, stdout=False, stderr=True),
            )
        except NotFoundError:
            raise self._gone() from None

    def follow(
        self, callback: LogCallback, *, stdout: bool = True, stderr: bool = True
    ) -> LogFollower:
        return LogFollower(self._watcher, callback, stdout=stdout, stderr=stderr)

    def health_status(self) -> str | None:
        health = (self.reload().get("State") or {}).get("Health") or {}
        # Podman 4.3 reports {"Status": ""} for a container without a health check.
        return str(health["Status"]) if health.get("Status") else None

    # -- commands and files ---------------------------------------------------------------------
    def exec(
        self, command: str | Sequence[str] | ExecConfig, timeout: float | None = None
    ) -> ExecResult:
        config = command if isinstance(command, ExecConfig) else ExecConfig(command)
        argv = check_command(config.command, "command")

        def run() -> ExecResult:
            try:
                output = self.engine.exec(
                    self.id,
                    argv if isinstance(argv, str) else list(argv),
                    user=config.user or "",
                    workdir=str(config.workdir) if config.workdir is not None else None,
                    environment=config.environment,
                    privileged=config.privileged,
                )
            except (NotFoundError, ConflictError) as exc:
                if self.exited or isinstance(exc, NotFoundError):
                    self.require_running()
                    raise self._gone() from exc
                raise ContainerNotRunningError(
                    f"Cannot run {argv!r} in {self.describe()}: {exc.explanation}. The "
                    "container is not running (restarting or paused?); start a new one"
                ) from exc
            return ExecResult(output.exit_code, output.output)

        if timeout is None:
            return run()
        result: ExecResult = run_bounded(run, timeout, f"exec {argv!r}")
        return result

    def copy_to(self, content: bytes | str | Path, container_path: str, mode: int = 0o644) -> None:
        try:
            self.engine.put_archive(self.id, "/", archive_for(content, container_path, mode))
        except NotFoundError:
            raise self._gone() from None
        except EngineError as exc:
            raise DockyardError(
                f"Copying to {container_path} in {self.describe()} failed: {exc.explanation}"
            ) from exc

    def copy_from(self, container_path: str, host_path: str | Path) -> Path:
        try:
            chunks = self.engine.get_archive(self.id, container_path)
        except NotFoundError:
            if self.exited:
                raise self._gone() from None
            raise DockyardError(
                f"{container_path} does not exist in {self.describe()}; check the path."
            ) from None
        return extract_archive(chunks, container_path, host_path)

    def wrapped(self) -> Any:
        """docker-py's ``Container`` model for this container (from the last inspection)."""
        return self.engine.container_model(self.attrs)

    # -- the end --------------------------------------------------------------------------------
    def remove(self, *, graceful: bool = False, volumes: bool = True) -> None:
        """Remove the container (stopped first with ``graceful``) and, with ``volumes``, its
        anonymous volumes; stops following its output."""
        began = time.monotonic()
        try:
            if graceful:
                with contextlib.suppress(NotFoundError):
                    self.engine.stop_container(self.id)
            self._removed = True
            self.engine.remove_container(self.id, volumes=volumes)
        finally:
            self._removed = True
            self._watcher.close()
        log.info(
            "%s: %s stopped in %.0f ms",
            self.image,
            self.short_id,
            (time.monotonic() - began) * 1000,
        )

    def detach(self) -> None:
        """Stop following the output without removing the container (reuse, sharing)."""
        self._watcher.close()


def _started_at(attrs: dict[str, Any]) -> float | None:
    """The engine's StartedAt as a Unix time (nanoseconds cut to what Python parses)."""
    text = str((attrs.get("State") or {}).get("StartedAt") or "")
    if not text or text.startswith("0001"):
        return None
    head, _, rest = text.partition(".")
    fraction = "".join(ch for ch in rest if ch.isdigit())[:6]
    zone = rest[len("".join(ch for ch in rest if ch.isdigit())) :] or "Z"
    try:
        return datetime.fromisoformat(f"{head}.{fraction or '0'}{zone}").timestamp()
    except ValueError:
        return None


class Readiness:
    """One wait on a running container: the ``WaitTarget`` strategies receive."""

    def __init__(
        self, running: RunningContainer, timeout: float, *, began: float | None = None
    ) -> None:
        """``timeout`` counts from ``began`` (``time.monotonic()``; default: now), so a
        message can name the timeout the user set, whatever part of it start() used."""
        self.running = running
        self.timeout = timeout
        self.deadline = (time.monotonic() if began is None else began) + timeout

    @property
    def container(self) -> Any:
        return self.running.container

    def host(self) -> str:
        return self.running.host()

    def mapped_port(self, port: PortLike) -> int:
        return self.running.mapped_port(port)

    def exposed_ports(self) -> list[Port]:
        return self.running.exposed_ports()

    def exec(self, command: str | Sequence[str], timeout: float | None = None) -> ExecResult:
        return self.running.exec(command, timeout)

    def logs(self) -> str:
        return self.running.logs()

    def output_size(self) -> int:
        return self.running.output_size()

    def wait_for_output(self, seen: int, timeout: float) -> int:
        return self.running.wait_for_output(seen, timeout)

    def check_running(self) -> None:
        self.running.check_running()

    def health_status(self) -> str | None:
        return self.running.health_status()

    def describe(self) -> str:
        return self.running.describe()

    def tail_logs(self) -> str:
        return self.running.tail_logs()

    def streams(self) -> tuple[str, str]:
        return self.running.streams()

    # testcontainers-python's names, for strategies written against its WaitStrategyTarget
    def get_container_host_ip(self) -> str:
        return self.running.host()

    def get_exposed_port(self, port: PortLike) -> int:
        return self.running.mapped_port(port)

    def get_wrapped_container(self) -> Any:
        return self.running.wrapped()

    def get_logs(self) -> tuple[bytes, bytes]:
        out, err = self.running.streams()
        return out.encode(), err.encode()

    def reload(self) -> None:
        self.running.reload()

    @property
    def status(self) -> str:
        return self.running.status
