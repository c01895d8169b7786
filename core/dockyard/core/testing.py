"""An in-memory ``Engine`` for unit tests of code built on Dockyard (and of Dockyard).

``FakeEngine`` keeps containers, networks and images in dictionaries and records every
request it gets, so a test can assert what a start asked for and in which order, make any
request fail (or be interrupted) with ``fail``, and drive a container's output and exit
with ``emit`` and ``exit``. Use it through a session::

    engine = FakeEngine(images={"redis:7"})
    with use_engine(engine):
        container = DockerContainer("redis:7").with_exposed_ports(6379).start()
    assert engine.calls("create_container") == 1

It never replaces a real engine in integration tests: those talk to Docker.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from ._engine import STDERR, STDOUT, ExecOutput, validate_create_options
from ._errors import ConflictError, NotFoundError
from ._session import Session, install_session, session_id

__all__ = ["FakeEngine", "FakeLogStream", "use_engine"]


class FakeLogStream:
    """Chunks ``emit``-ted for one container, ending when it exits or is removed."""

    def __init__(self, history: list[tuple[int, bytes]]) -> None:
        self._cond = threading.Condition()
        self._chunks = list(history)
        self._ended = False
        self._closed = False

    def push(self, kind: int, data: bytes) -> None:
        with self._cond:
            self._chunks.append((kind, data))
            self._cond.notify_all()

    def end(self) -> None:
        with self._cond:
            self._ended = True
            self._cond.notify_all()

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        index = 0
        while True:
            with self._cond:
                while index >= len(self._chunks) and not (self._ended or self._closed):
                    self._cond.wait()
                if self._closed or index >= len(self._chunks):
                    return
                chunk = self._chunks[index]
            index += 1
            yield chunk

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()


class FakeEngine:
    """``Engine`` in memory. ``requests`` lists ``(method, first argument)`` in order."""

    def __init__(self, images: Sequence[str] = (), url: str = "unix:///fake/docker.sock") -> None:
        self._url = url
        self.images: set[str] = set(images)
        self.containers: dict[str, dict[str, Any]] = {}
        self.networks: dict[str, dict[str, Any]] = {}
        self.archives: list[tuple[str, str, bytes]] = []
        self.requests: list[tuple[str, Any]] = []
        #: What a pull streams; an event with "error" fails it, otherwise the image appears.
        self.pull_events: list[dict[str, Any]] = [{"status": "Pulling fs layer", "id": "l1"}]
        self.exec_handler: Callable[[str, Sequence[str] | str], ExecOutput] = (
            lambda ident, command: ExecOutput(0, b"")
        )
        self._output: dict[str, list[tuple[int, bytes]]] = {}
        self._streams: dict[str, list[FakeLogStream]] = {}
        self._event_streams: dict[str, list[FakeLogStream]] = {}
        self._failures: dict[str, list[BaseException]] = {}
        self._ports = itertools.count(40000)
        self._lock = threading.Lock()

    # -- test controls ----------------------------------------------------------------
    def fail(self, method: str, error: BaseException, times: int = 1) -> None:
        """Make the next ``times`` calls of ``method`` raise ``error`` (after recording)."""
        self._failures.setdefault(method, []).extend([error] * times)

    def calls(self, method: str) -> int:
        return sum(1 for name, _ in self.requests if name == method)

    def emit(self, ident: str, data: bytes, *, stderr: bool = False) -> None:
        kind = STDERR if stderr else STDOUT
        with self._lock:
            self._output.setdefault(ident, []).append((kind, data))
            streams = list(self._streams.get(ident, []))
        for stream in streams:
            stream.push(kind, data)

    def exit(self, ident: str, code: int = 0, *, oom: bool = False) -> None:
        state = self.containers[ident]["State"]
        state.update(Status="exited", Running=False, ExitCode=code, OOMKilled=oom)
        self._end_streams(ident)

    def _end_streams(self, ident: str) -> None:
        with self._lock:
            streams = self._streams.pop(ident, [])
        for stream in streams:
            stream.end()

    def _record(self, method: str, argument: Any = None) -> None:
        self.requests.append((method, argument))
        pending = self._failures.get(method)
        if pending:
            raise pending.pop(0)

    def _get(self, ident: str) -> dict[str, Any]:
        for attrs in self.containers.values():
            if ident in (attrs["Id"], attrs["Name"].lstrip("/")):
                return attrs
        raise NotFoundError(
            f"No such container: {ident}",
            status_code=404,
            explanation=f"No such container: {ident}",
        )

    # -- Engine ---------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return self._url

    @property
    def docker_client(self) -> Any:
        return None

    def version(self) -> dict[str, Any]:
        self._record("version")
        return {"Version": "fake", "ApiVersion": "1.41"}

    def validate_create_options(self, options: Mapping[str, Any]) -> None:
        validate_create_options(options)

    def create_container(
        self, options: Mapping[str, Any], network: str | None, aliases: Sequence[str]
    ) -> str:
        self._record("create_container", dict(options))
        image = str(options["image"])
        if image not in self.images:
            raise NotFoundError(
                f"No such image: {image}", status_code=404, explanation=f"No such image: {image}"
            )
        name = str(options.get("name") or f"fake_{uuid.uuid4().hex[:8]}")
        if any(c["Name"] == "/" + name for c in self.containers.values()):
            raise ConflictError(
                "name in use",
                status_code=409,
                explanation=f'The container name "/{name}" is already in use',
            )
        ident = uuid.uuid4().hex + uuid.uuid4().hex
        networks = {network: {"Aliases": list(aliases)}} if network else {}
        self.containers[ident] = {
            "Id": ident,
            "Name": "/" + name,
            "Config": {
                "Image": image,
                "Labels": dict(options.get("labels") or {}),
                "Env": [f"{k}={v}" for k, v in (options.get("environment") or {}).items()],
                "Tty": bool(options.get("tty")),
            },
            "State": {"Status": "created", "Running": False, "ExitCode": 0, "OOMKilled": False},
            "NetworkSettings": {"Ports": {}, "Networks": networks},
            "Options": dict(options),
        }
        return ident

    def start_container(self, ident: str) -> None:
        self._record("start_container", ident)
        attrs = self._get(ident)
        attrs["State"].update(Status="running", Running=True)
        ports = {}
        for port, (host_ip, host_port) in (attrs["Options"].get("ports") or {}).items():
            ports[port] = [
                {"HostIp": host_ip or "0.0.0.0", "HostPort": str(host_port or next(self._ports))}
            ]
        attrs["NetworkSettings"]["Ports"] = ports

    def inspect_container(self, ident: str) -> dict[str, Any]:
        self._record("inspect_container", ident)
        return _copy(self._get(ident))

    def list_containers(self, filters: Mapping[str, Any]) -> list[dict[str, Any]]:
        self._record("list_containers", dict(filters))
        label = filters.get("label")
        name = filters.get("name")
        found = []
        for attrs in self.containers.values():
            labels = attrs["Config"]["Labels"]
            if label is not None:
                key, _, value = str(label).partition("=")
                if key not in labels or (value and labels[key] != value):
                    continue
            if name is not None and attrs["Name"].lstrip("/") != name:
                continue
            found.append({"Id": attrs["Id"], "State": attrs["State"]["Status"], "Labels": labels})
        return found

    def stop_container(self, ident: str, timeout: float | None = None) -> None:
        self._record("stop_container", ident)
        self.exit(self._get(ident)["Id"], 0)

    def remove_container(self, ident: str, *, volumes: bool = True) -> None:
        self._record("remove_container", ident)
        try:
            attrs = self._get(ident)
        except NotFoundError:
            return
        del self.containers[attrs["Id"]]
        self._end_streams(attrs["Id"])

    def kill_container(self, ident: str, signal: str | None = None) -> None:
        self._record("kill_container", ident)
        self.exit(self._get(ident)["Id"], 137)

    def wait_container(self, ident: str, timeout: float | None = None) -> int:
        self._record("wait_container", ident)
        return int(self._get(ident)["State"]["ExitCode"])

    def connect_network(self, network: str, ident: str, aliases: Sequence[str]) -> None:
        self._record("connect_network", (network, ident))
        if not any(n["Name"] == network or n["Id"] == network for n in self.networks.values()):
            raise NotFoundError(
                f"network {network} not found",
                status_code=404,
                explanation=f"network {network} not found",
            )
        self._get(ident)["NetworkSettings"]["Networks"][network] = {"Aliases": list(aliases)}

    def disconnect_network(self, network: str, ident: str) -> None:
        self._record("disconnect_network", (network, ident))
        self._get(ident)["NetworkSettings"]["Networks"].pop(network, None)

    def put_archive(self, ident: str, path: str, data: bytes) -> None:
        self._record("put_archive", ident)
        self._get(ident)
        self.archives.append((ident, path, data))

    def get_archive(self, ident: str, path: str) -> Iterator[bytes]:
        self._record("get_archive", ident)
        raise NotFoundError(f"no {path}", status_code=404, explanation=f"Could not find {path}")

    def exec(
        self,
        ident: str,
        command: str | Sequence[str],
        *,
        user: str = "",
        workdir: str | None = None,
        environment: Mapping[str, str] | None = None,
        privileged: bool = False,
    ) -> ExecOutput:
        self._record("exec", ident)
        if self._get(ident)["State"]["Status"] != "running":
            raise ConflictError(
                "not running", status_code=409, explanation=f"Container {ident} is not running"
            )
        return self.exec_handler(ident, command)

    def logs(
        self,
        ident: str,
        *,
        tty: bool,
        stdout: bool = True,
        stderr: bool = True,
        tail: int | None = None,
    ) -> bytes:
        self._record("logs", ident)
        attrs = self._get(ident)
        wanted = {k for k, on in ((STDOUT, stdout), (STDERR, stderr)) if on}
        data = b"".join(d for k, d in self._output.get(attrs["Id"], []) if k in wanted)
        if tail:
            data = b"\n".join(data.split(b"\n")[-tail - 1 :])
        return data

    def follow_logs(self, ident: str, *, tty: bool) -> FakeLogStream:
        self._record("follow_logs", ident)
        attrs = self._get(ident)
        with self._lock:
            stream = FakeLogStream(self._output.get(attrs["Id"], []))
            if attrs["State"]["Status"] == "running":
                self._streams.setdefault(attrs["Id"], []).append(stream)
            else:
                stream.end()
        return stream

    def events(
        self, filters: Mapping[str, Any], since: float | None, until: float | None
    ) -> FakeLogStream:
        """Events pushed with ``event(ident, name)`` (as ``(1, event dict)`` chunks)."""
        self._record("events", dict(filters))
        stream = FakeLogStream([])
        with self._lock:
            for ident in filters.get("container", []):
                self._event_streams.setdefault(ident, []).append(stream)
        return stream

    def event(self, ident: str, action: str) -> None:
        """Deliver an engine event (``"oom"``, ``"die"``...) about container ``ident``."""
        with self._lock:
            streams = list(self._event_streams.get(ident, []))
        for stream in streams:
            stream.push(0, {"Type": "container", "Action": action, "id": ident})  # type: ignore[arg-type]

    def create_network(
        self, name: str, *, driver: str, labels: Mapping[str, str], options: Mapping[str, Any]
    ) -> str:
        self._record("create_network", name)
        if any(n["Name"] == name for n in self.networks.values()):
            raise ConflictError(
                "exists", status_code=409, explanation=f"network with name {name} already exists"
            )
        ident = uuid.uuid4().hex
        self.networks[ident] = {"Id": ident, "Name": name, "Labels": dict(labels), "Containers": {}}
        return ident

    def remove_network(self, ident: str) -> None:
        self._record("remove_network", ident)
        self.networks.pop(ident, None)

    def inspect_network(self, ident: str) -> dict[str, Any]:
        self._record("inspect_network", ident)
        for network in self.networks.values():
            if ident in (network["Id"], network["Name"]):
                return _copy(network)
        raise NotFoundError(
            f"network {ident} not found", status_code=404, explanation=f"network {ident} not found"
        )

    def list_networks(self, filters: Mapping[str, Any]) -> list[dict[str, Any]]:
        self._record("list_networks", dict(filters))
        label = str(filters.get("label", ""))
        key, _, value = label.partition("=")
        return [
            _copy(n) for n in self.networks.values() if not key or n["Labels"].get(key) == value
        ]

    def image_present(self, ref: str) -> bool:
        self._record("image_present", ref)
        return ref in self.images

    def pull_image(self, repository: str, reference: str) -> Iterator[dict[str, Any]]:
        self._record("pull_image", f"{repository}:{reference}")
        events = list(self.pull_events)

        def stream() -> Iterator[dict[str, Any]]:
            yield from events
            if not any("error" in event for event in events):
                self.images.add(f"{repository}:{reference}")

        return stream()

    def build_image(self, **options: Any) -> Iterator[dict[str, Any]]:
        self._record("build_image", options.get("tag"))
        self.images.add(str(options.get("tag")))
        return iter([{"stream": "built by the fake engine\n"}])

    def list_images(self, filters: Mapping[str, Any]) -> list[dict[str, Any]]:
        self._record("list_images", dict(filters))
        return [{"Id": ref, "RepoTags": [ref], "Labels": {}} for ref in sorted(self.images)]

    def inspect_image(self, ref: str) -> dict[str, Any]:
        self._record("inspect_image", ref)
        if ref not in self.images:
            raise NotFoundError(f"No such image: {ref}", status_code=404, explanation="no image")
        return {"Id": "sha256:" + uuid.uuid5(uuid.NAMESPACE_URL, ref).hex * 2}

    def remove_image(self, ref: str) -> None:
        self._record("remove_image", ref)
        self.images.discard(ref)

    def container_model(self, attrs: Mapping[str, Any]) -> Any:
        return dict(attrs)

    def network_model(self, ident: str) -> Any:
        return self.inspect_network(ident)

    def close(self) -> None:
        self._record("close")


def _copy(attrs: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy({k: v for k, v in attrs.items() if k != "Options"})


@contextlib.contextmanager
def use_engine(engine: Any) -> Iterator[Session]:
    """Make ``engine`` the engine of this process's current session, for the ``with`` block."""
    session = Session(engine, session_id())
    previous = install_session(session)
    try:
        yield session
    finally:
        install_session(previous)
