"""ComposeContainer: the handle on one container of an environment's service.

It is made from one line of ``docker compose ps --format json`` and keeps
testcontainers-python's field names (``ID``, ``Service``, ``Publishers``, …). Like any
Dockyard container it answers ``host()`` and ``mapped_port()``, and it is a ``WaitTarget``:
core's wait strategies run on it, through a ``RunningContainer`` made for the container on
first need (its one log stream wakes log waits and tells at once that the container exited).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from dockyard.core import (
    ContainerInspectInfo,
    ContainerStartupError,
    ExecResult,
    Port,
    RunningContainer,
    parse_port,
)

from ._errors import ServiceExitedError, ServiceNotRunningError, ServicePortNotPublishedError

if TYPE_CHECKING:
    from ._compose import DockerCompose

PortLike = int | str | Port


@dataclass(frozen=True)
class PublishedPortModel:
    """One published port as compose reports it (testcontainers-python's name and fields).

    ``URL`` is the address the engine listens on (``0.0.0.0``, ``::``), not one to connect
    to: use the container's ``host()``.
    """

    URL: str | None = None
    TargetPort: int | None = None
    PublishedPort: int | None = None
    Protocol: str | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PublishedPortModel:
        def number(key: str) -> int | None:
            value = data.get(key)
            return int(value) if isinstance(value, int | str) and str(value).isdigit() else None

        url = data.get("URL")
        protocol = data.get("Protocol")
        return cls(
            URL=str(url) if url is not None else None,
            TargetPort=number("TargetPort"),
            PublishedPort=number("PublishedPort"),
            Protocol=str(protocol) if protocol is not None else None,
        )

    @property
    def published(self) -> bool:
        """False for a port compose lists only because the service exposes it."""
        return bool(self.PublishedPort)

    @property
    def ipv6(self) -> bool:
        return self.URL is not None and ":" in self.URL

    @property
    def port(self) -> Port:
        return parse_port(f"{self.TargetPort}/{self.Protocol or 'tcp'}")


def _text(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return None if value is None else str(value)


class ComposeContainer:
    """One container of a service: its state as of the ``ps`` that made it, and access."""

    def __init__(
        self,
        data: Mapping[str, Any],
        environment: DockerCompose,
        *,
        timeout: float,
        began: float | None = None,
    ) -> None:
        self._environment = environment
        self._load(data)
        #: The readiness budget (``WaitTarget``): from the start of the environment's start().
        self.timeout = timeout
        self.deadline = (time.monotonic() if began is None else began) + timeout

    def _load(self, data: Mapping[str, Any]) -> None:
        self.ID = _text(data, "ID")
        self.Name = _text(data, "Name")
        self.Command = _text(data, "Command")
        self.Project = _text(data, "Project")
        self.Service = _text(data, "Service")
        self.State = _text(data, "State")
        self.Health = _text(data, "Health")
        exit_code = data.get("ExitCode")
        self.ExitCode = int(exit_code) if isinstance(exit_code, int) else None
        self.Publishers = [
            PublishedPortModel.from_json(item)
            for item in (data.get("Publishers") or [])
            if isinstance(item, Mapping)
        ]

    def __repr__(self) -> str:
        return (
            f"ComposeContainer(service={self.Service!r}, name={self.Name!r}, state={self.State!r})"
        )

    # -- names ----------------------------------------------------------------------------
    @property
    def id(self) -> str:
        return self.ID or ""

    @property
    def name(self) -> str:
        return self.Name or ""

    @property
    def service(self) -> str:
        return self.Service or ""

    @property
    def status(self) -> str:
        return self.State or "unknown"

    @property
    def container(self) -> ComposeContainer:
        """What a ``CallableWaitStrategy`` is given: this handle."""
        return self

    def describe(self) -> str:
        return f"service {self.service!r} ({self.name}) of project {self.Project}"

    def reload(self) -> ComposeContainer:
        """Read the state and ports again (one ``ps``); returns this handle."""
        for data in self._environment._ps(include_all=True):
            if data.get("ID") == self.ID:
                self._load(data)
                return self
        raise ServiceNotRunningError(
            f"The container {self.name} of service {self.service!r} no longer exists; the "
            "environment was stopped or the container removed"
        )

    # -- ports and host -------------------------------------------------------------------
    def _require_running(self) -> None:
        running = self._environment._running_if_made(self.id)
        if self.State != "running" or (running is not None and running.exited):
            state = "exited" if running is not None and running.exited else self.State
            raise ServiceNotRunningError(
                f"Service {self.service!r} ({self.name}) is not running (state {state}), so "
                "its ports are gone; see get_logs() for why"
            )

    def published_ports(self) -> list[Port]:
        """The container ports published to the host, each once."""
        seen: list[Port] = []
        for publisher in self.Publishers:
            if publisher.published and publisher.TargetPort and publisher.port not in seen:
                seen.append(publisher.port)
        return seen

    def exposed_ports(self) -> list[Port]:
        """What a wait strategy checks when it names no port: the published ones."""
        return self.published_ports()

    def get_publisher(
        self,
        by_port: int | None = None,
        by_host: str | None = None,
        prefer_ip_version: Literal["IPv4", "IPv6"] = "IPv4",
    ) -> PublishedPortModel:
        """The one published port matching the filters (testcontainers-python's lookup).

        Without ``by_port`` the service must publish exactly one port. Ports that are only
        exposed never match; the other IP version is used when the preferred has none.
        """
        published = [p for p in self.Publishers if p.published]
        if by_port is not None:
            wanted = parse_port(by_port)
            published = [p for p in published if p.port == wanted]
        if by_host is not None:
            published = [p for p in published if by_host == p.URL]
        preferred = [p for p in published if p.ipv6 is (prefer_ip_version == "IPv6")]
        candidates = preferred or published
        if not candidates:
            raise ServicePortNotPublishedError(
                self.service,
                str(parse_port(by_port)) if by_port is not None else "(any)",
                [str(p) for p in self.published_ports()],
            )
        ports = {p.port for p in candidates}
        if len(ports) > 1:
            raise ServicePortNotPublishedError(
                self.service,
                "(one of several: pass the port)",
                [str(p) for p in self.published_ports()],
            )
        return candidates[0]

    def mapped_port(self, port: PortLike) -> int:
        """The host port published for the container's ``port`` (IPv4's when both are)."""
        wanted = parse_port(port)
        matches = [p for p in self.Publishers if p.published and p.port == wanted]
        if not matches:
            raise ServicePortNotPublishedError(
                self.service, str(wanted), [str(p) for p in self.published_ports()]
            )
        self._require_running()
        chosen = next((p for p in matches if not p.ipv6), matches[0])
        assert chosen.PublishedPort is not None
        return chosen.PublishedPort

    def host(self) -> str:
        """The address the test process reaches the published ports on."""

        def probe_port() -> int | None:
            tcp = [p for p in self.published_ports() if p.protocol == "tcp"]
            return self.mapped_port(tcp[0]) if tcp else None

        return self._environment.session.host(probe_port)

    # testcontainers-python's names for the same
    def get_container_host_ip(self) -> str:
        return self.host()

    def get_exposed_port(self, port: PortLike) -> int:
        return self.mapped_port(port)

    # -- the container itself -------------------------------------------------------------
    @property
    def running(self) -> RunningContainer:
        """Core's handle on this container (made on first use, kept until stop())."""
        return self._environment._running_for(self.id)

    def exec(self, command: str | Sequence[str], timeout: float | None = None) -> ExecResult:
        """Run a command inside through the engine: exit code and combined output."""
        return self.running.exec(command, timeout)

    def get_logs(self) -> tuple[bytes, bytes]:
        """``docker compose logs`` of this service, as testcontainers-python returns them."""
        stdout, stderr = self._environment.get_logs(self.service)
        return stdout.encode(), stderr.encode()

    def get_wrapped_container(self) -> Any:
        """docker-py's ``Container`` for this container."""
        return self.running.wrapped()

    def get_container_info(self) -> ContainerInspectInfo:
        """What ``docker inspect`` says about the container, read now."""
        return ContainerInspectInfo.from_dict(self.running.reload())

    # -- WaitTarget -----------------------------------------------------------------------
    def logs(self) -> str:
        return self.running.logs()

    def output_size(self) -> int:
        return self.running.output_size()

    def streams(self) -> tuple[str, str]:
        """stdout and stderr so far, separately (from the log stream)."""
        return self.running.streams()

    def wait_for_output(self, seen: int, timeout: float) -> int:
        return self.running.wait_for_output(seen, timeout)

    def tail_logs(self) -> str:
        return self.running.tail_logs()

    def health_status(self) -> str | None:
        return self.running.health_status()

    def check_running(self) -> None:
        """Raise ServiceExitedError (exit code, last lines) if the container stopped."""
        try:
            self.running.check_running()
        except ContainerStartupError as exc:
            raise ServiceExitedError(
                self.service,
                self.name,
                exit_code=exc.exit_code,
                logs=exc.logs,
                container_id=self.id,
            ) from exc
