"""Ports of the test host, reachable from containers as ``host.testcontainers.internal``.

``expose_host_ports(8080)`` starts the session's host relay (image ``dockyard/host-relay``,
tools/images/host-relay) once, asks it to listen on 8080, and from then on every plain
container the session starts gets ``host.testcontainers.internal`` in its /etc/hosts,
pointing at the relay on the container's first network (the relay joins user networks as
needed and leaves them before they are removed). ``DockerContainer.with_access_to_host_ports``
does the same for one container. A connection to the relay's port travels back through a
connection this process opened to the relay's published port, and ends at
``localhost:PORT`` here: so it works wherever published ports do (a local socket, a remote
engine over TCP or SSH, Podman), and the test host needs no route to any container.

The relay is a container of the session (its labels), so the reaper removes it with the
rest; every connection to it must begin with a secret token only this process knows.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import socket
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ._errors import ConfigurationError, DockyardError, EngineError
from ._images import ensure_image, resolve_image_name
from ._inspect import GONE_STATES, POLL, published_ports, status_of
from ._labels import name_safe

if TYPE_CHECKING:
    from ._session import Session
    from ._spec import ContainerSpec

log = logging.getLogger("dockyard.core.host_ports")

HOST_INTERNAL = "host.testcontainers.internal"
DEFAULT_RELAY_IMAGE = "dockyard/host-relay:1"
RELAY_IMAGE_ENV = "DOCKYARD_HOST_RELAY_IMAGE"
RELAY_PORT = 7071
LABEL_RELAY = "org.dockyard.host-relay"
START_TIMEOUT = 60.0
ANSWER_TIMEOUT = 10.0
# Network modes with no network of their own to put the relay on.
_NO_RELAY_MODES = ("host", "none")


class HostPortsError(DockyardError):
    """The host relay could not be started or refused a port."""


def check_port(port: object) -> int:
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise ConfigurationError(
            f"Host port {port!r} is not a TCP port number: pass integers between 1 and 65535, "
            "e.g. expose_host_ports(8080)."
        )
    return port


def _splice(a: socket.socket, b: socket.socket) -> None:
    def pump(source: socket.socket, target: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                target.sendall(data)
        with contextlib.suppress(OSError):
            target.shutdown(socket.SHUT_WR)

    other = threading.Thread(target=pump, args=(b, a), name="dockyard-host-relay", daemon=True)
    other.start()
    pump(a, b)
    other.join()
    a.close()
    b.close()


class HostRelay:
    """This process's side of the session's relay: the control connection and forwarding."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._token = secrets.token_hex(16)
        self._lock = threading.RLock()
        self._id: str | None = None
        self._attrs: dict[str, Any] = {}
        self._address: tuple[str, int] = ("", 0)
        self._control: socket.socket | None = None
        self._control_file: Any = None
        self._answers: dict[int, str] = {}
        self._answered = threading.Condition(self._lock)
        self._ports: set[int] = set()
        self._networks: dict[str, str] = {}  # network name → the relay's address there
        self._broken = False

    @property
    def ports(self) -> frozenset[int]:
        with self._lock:
            return frozenset(self._ports)

    @property
    def container_id(self) -> str | None:
        return self._id

    @property
    def address(self) -> tuple[str, int]:
        """Where this process reaches the relay (host, published port)."""
        return self._address

    # -- lifecycle ----------------------------------------------------------------------
    def _start(self) -> None:
        """Create the relay (like the reaper: straight through the engine) and connect."""
        session = self._session
        engine = session.engine
        config = session.config
        requested = os.environ.get(RELAY_IMAGE_ENV, "").strip() or DEFAULT_RELAY_IMAGE
        image = resolve_image_name(requested, config)
        try:
            ensure_image(session, image, config.pull_policy, requested)
        except DockyardError as exc:
            raise HostPortsError(
                f"The host relay's image {image} is missing ({exc}). Build it from "
                f"tools/images/host-relay, or point {RELAY_IMAGE_ENV} (or an image "
                "substitution for dockyard/host-relay) at an image of it."
            ) from exc
        session.ensure_reaper()
        options = {
            "image": image,
            "name": f"dockyard-host-relay-{name_safe(session.id)}-{secrets.token_hex(3)}",
            "environment": {"RELAY_TOKEN": self._token, "RELAY_PORT": str(RELAY_PORT)},
            "labels": {**session.labels(), LABEL_RELAY: "true"},
            "ports": {f"{RELAY_PORT}/tcp": (session.publish_address(), None)},
        }
        try:
            ident = engine.create_container(options, None, ())
            self._id = ident
            engine.start_container(ident)
        except EngineError as exc:
            self._remove()
            raise HostPortsError(f"Cannot start the host relay ({image}): {exc}") from exc
        deadline = time.monotonic() + START_TIMEOUT
        last = "not started"
        while time.monotonic() < deadline:
            attrs = engine.inspect_container(ident)
            self._attrs = attrs
            if status_of(attrs) in GONE_STATES:
                last = f"it is {status_of(attrs)}: {engine.logs(ident, tty=False)[-500:]!r}"
                break
            ports = published_ports(attrs, f"{RELAY_PORT}/tcp")
            if ports:
                self._address = (session.host(ports[0]), ports[0])
                try:
                    self._connect_control()
                    return
                except OSError as exc:  # the port proxy answers before the relay listens
                    last = f"{self._address[0]}:{ports[0]}: {exc}"
            time.sleep(POLL)
        self._remove()
        raise HostPortsError(
            f"The host relay ({image}) did not answer within {START_TIMEOUT:.0f}s ({last}); "
            "host ports need its published port to be reachable from here."
        )

    def _connect_control(self) -> None:
        control = socket.create_connection(self._address, timeout=2)
        try:
            control.sendall(f"{self._token} CONTROL\n".encode())
            reader = control.makefile("r", encoding="ascii", newline="\n")
            if reader.readline().strip() != "READY":
                raise ConnectionError("the relay closed the connection before READY")
        except BaseException:
            control.close()
            raise
        control.settimeout(None)
        self._control, self._control_file = control, reader
        threading.Thread(target=self._read_control, name="dockyard-host-relay", daemon=True).start()

    def _remove(self) -> None:
        ident, self._id = self._id, None
        if ident is not None:
            with contextlib.suppress(DockyardError):
                self._session.engine.remove_container(ident)

    def ensure(self) -> None:
        with self._lock:
            if self._id is not None and not self._broken:
                return
            if self._id is not None:
                self._remove()
            self._broken = False
            self._ports.clear()
            self._networks.clear()
            self._start()

    def close(self) -> None:
        with self._lock:
            if self._control is not None:
                with contextlib.suppress(OSError):
                    self._control.shutdown(socket.SHUT_RDWR)
                self._control.close()
                self._control = None
            self._remove()

    # -- ports --------------------------------------------------------------------------
    def expose(self, ports: Iterable[int]) -> None:
        wanted = [check_port(p) for p in ports]
        self.ensure()
        with self._lock:
            for port in wanted:
                if port in self._ports:
                    continue
                self._answers.pop(port, None)
                assert self._control is not None
                self._control.sendall(f"LISTEN {port}\n".encode())
                if not self._answered.wait_for(self._answer_or_end(port), ANSWER_TIMEOUT):
                    raise HostPortsError(f"The host relay did not answer for port {port}.")
                answer = self._answers.pop(port, "ERR the relay went away")
                if not answer.startswith("OK"):
                    raise HostPortsError(
                        f"The host relay cannot listen on {port}: {answer.split(None, 2)[-1]}"
                    )
                self._ports.add(port)

    def _answer_or_end(self, port: int) -> Callable[[], bool]:
        return lambda: port in self._answers or self._broken

    def _read_control(self) -> None:
        assert self._control_file is not None
        try:
            for line in self._control_file:
                words = line.split()
                if len(words) >= 2 and words[0] in ("OK", "ERR") and words[1].isdigit():
                    with self._lock:
                        self._answers[int(words[1])] = line.strip()
                        self._answered.notify_all()
                elif len(words) == 3 and words[0] == "OPEN" and words[2].isdigit():
                    threading.Thread(
                        target=self._forward,
                        args=(words[1], int(words[2])),
                        name="dockyard-host-relay",
                        daemon=True,
                    ).start()
        except (OSError, ValueError):
            pass
        with self._lock:
            if self._id is not None:
                log.warning("the host relay connection ended; the next use starts a new relay")
            self._broken = True
            self._answered.notify_all()

    def _forward(self, ident: str, port: int) -> None:
        """One container connection: to localhost:port here, through a data connection."""
        try:
            local = socket.create_connection(("localhost", port), timeout=ANSWER_TIMEOUT)
        except OSError as exc:
            log.warning("host port %s: nothing answers on localhost here (%s)", port, exc)
            local = None
        try:
            data = socket.create_connection(self._address, timeout=ANSWER_TIMEOUT)
            data.sendall(f"{self._token} DATA {ident}\n".encode())
        except OSError as exc:
            log.warning("host port %s: cannot reach the host relay (%s)", port, exc)
            if local is not None:
                local.close()
            return
        if local is None:
            data.close()  # the container sees its connection closed at once
            return
        local.settimeout(None)
        data.settimeout(None)
        _splice(local, data)

    # -- addresses ----------------------------------------------------------------------
    def address_on(self, network: str | None) -> str:
        """The relay's address on ``network`` (None: its default one), joining it first."""
        self.ensure()
        engine = self._session.engine
        with self._lock:
            assert self._id is not None
            if network is None:
                settings = self._attrs.get("NetworkSettings") or {}
                addresses = [n.get("IPAddress") for n in (settings.get("Networks") or {}).values()]
                address = settings.get("IPAddress") or next((a for a in addresses if a), "")
                if not address:
                    raise HostPortsError("The host relay has no address on its default network.")
                return str(address)
            if network not in self._networks:
                try:
                    engine.connect_network(network, self._id, ())
                except EngineError as exc:
                    if "already exists" not in exc.explanation:
                        raise
                attrs = engine.inspect_container(self._id)
                found = ((attrs.get("NetworkSettings") or {}).get("Networks") or {}).get(network)
                address = (found or {}).get("IPAddress")
                if not address:
                    raise HostPortsError(f"The host relay got no address on network {network!r}.")
                self._networks[network] = str(address)
            return self._networks[network]

    def leave(self, network: str) -> None:
        """Leave ``network`` (it is about to be removed)."""
        with self._lock:
            ident = self._id
            if self._networks.pop(network, None) is None or ident is None:
                return
        try:
            self._session.engine.disconnect_network(network, ident)
        except EngineError as exc:
            log.debug("the host relay could not leave %s: %s", network, exc)


_relays: weakref.WeakKeyDictionary[Session, HostRelay] = weakref.WeakKeyDictionary()
_relays_lock = threading.Lock()


def relay_of(session: Session, create: bool = True) -> HostRelay | None:
    with _relays_lock:
        relay = _relays.get(session)
        if relay is None and create:
            relay = _relays[session] = HostRelay(session)
        return relay


def expose_host_ports(*ports: int, session: Session | None = None) -> None:
    """Make ``localhost:PORT`` of this process reachable from containers started from now
    on, as ``host.testcontainers.internal:PORT`` (testcontainers-java's
    ``Testcontainers.exposeHostPorts``). Idempotent; the relay lives until the session ends.
    """
    if not ports:
        raise ConfigurationError("expose_host_ports() needs at least one port, e.g. 8080.")
    from ._session import current_session

    relay = relay_of(session or current_session())
    assert relay is not None
    relay.expose(ports)


def _with_extra_host(options: Mapping[str, Any], address: str) -> dict[str, Any]:
    result = dict(options)
    entries = result.get("extra_hosts")
    if isinstance(entries, Mapping):
        result["extra_hosts"] = {**entries, HOST_INTERNAL: address}
    elif entries:
        kept = [e for e in entries if not str(e).startswith(f"{HOST_INTERNAL}:")]
        result["extra_hosts"] = [*kept, f"{HOST_INTERNAL}:{address}"]
    else:
        result["extra_hosts"] = {HOST_INTERNAL: address}
    return result


def with_host_access(
    session: Session, spec: ContainerSpec, options: Mapping[str, Any], mode: str
) -> dict[str, Any]:
    """``options`` with the host entry when the container asked for host ports, or when the
    session exposed some and this is a plain container of it."""
    asked = tuple(spec.host_ports)
    relay = relay_of(session, create=bool(asked))
    exposed = relay.ports if relay is not None and mode == "plain" else frozenset()
    if not asked and not exposed:
        return dict(options)
    if asked and mode != "plain":
        raise ConfigurationError(
            "with_access_to_host_ports() is for containers of this process: the relay ends "
            "with it, while a reused or shared container outlives it."
        )
    network_mode = str(options.get("network_mode") or "")
    if network_mode in _NO_RELAY_MODES or network_mode.startswith("container:"):
        if asked:
            raise ConfigurationError(
                f"with_access_to_host_ports() needs a network to reach the relay on, but the "
                f"container has network_mode={network_mode!r}; use the default bridge or "
                "with_network(...)."
            )
        return dict(options)
    assert relay is not None
    relay.expose(asked)
    if spec.networks:
        network: str | None = spec.networks[0].name
    elif network_mode and network_mode not in ("bridge", "default"):
        network = network_mode
    else:
        network = None
    return _with_extra_host(options, relay.address_on(network))


def leave_network(session: Session | None, network: str) -> None:
    """Called before a network is removed: the relay must not hold it up."""
    if session is None:
        return
    relay = relay_of(session, create=False)
    if relay is not None:
        relay.leave(network)
