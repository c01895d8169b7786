"""The session's Ryuk reaper: removes everything labelled with the session id once the
test processes are gone, even when they were killed with SIGKILL.

Wire protocol: connect to TCP 8080, send ``label=org.testcontainers.sessionId%3D<id>\\n``,
read ``ACK\\n``, then keep the connection open for the life of the process. The reaper
starts cleaning RYUK_RECONNECTION_TIMEOUT after its last client disconnected.

The connection is watched by a daemon thread: when the reaper dies or the connection
drops, a new reaper is started (or joined) and the filters registered again, so a process
that crashes later still leaves nothing behind.

Several processes of one session (Bazel test targets sharing TESTCONTAINERS_SESSION_ID)
race to create the reaper under one deterministic name; the losers get 409 Conflict and
use the winner's container, unless it can serve nobody any more (exited, paused, or
already reaping after its last client left): that one is removed and replaced.
"""

from __future__ import annotations

import errno
import logging
import socket
import threading
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlparse

from ._config import Config
from ._errors import DockyardError, EngineError, NotFoundError, ReaperError
from ._images import ensure_image, resolve_image_name
from ._inspect import GONE_STATES, POLL, create_or_get, published_ports, status_of
from ._labels import LABEL_RYUK, LABEL_SESSION_ID, base_labels, name_safe

if TYPE_CHECKING:
    from ._session import Session

log = logging.getLogger("dockyard.core.reaper")

RYUK_PORT = "8080/tcp"
STARTUP_TIMEOUT = 60.0
# A host that refuses or does not answer while the reaper listens (a wrong host
# override) is named after this long: a couple of retries, well within a second or three.
UNREACHABLE_AFTER = 1.5
# A reaper that listened but keeps refusing this long is taken for one that is reaping
# (Dockyard's own reaper says so in its log at once; upstream Ryuk's words differ).
STALE_AFTER = 5.0
_REAPING = b"removing what the filters match"
_UNREACHABLE = (errno.EHOSTUNREACH, errno.ENETUNREACH, errno.ECONNREFUSED, errno.ETIMEDOUT)


def reaper_name(sid: str) -> str:
    return f"dockyard-ryuk-{name_safe(sid)}"


def filter_line(sid: str, label: str = LABEL_SESSION_ID) -> bytes:
    """The Ryuk filter for one session: ``label=org.testcontainers.sessionId%3D<id>``."""
    return (urlencode([("label", f"{label}={sid}")]) + "\n").encode()


def docker_socket_path(config: Config) -> str:
    override = config.docker_socket_override
    if override:
        return override
    url = urlparse(config.docker_host or "")
    if url.scheme == "unix" and url.path:
        return url.path
    return "/var/run/docker.sock"


class _Stale(Exception):
    """The reaper container can serve nobody any more: remove it and create a fresh one."""


class _NotYet(Exception):
    """The deadline passed while the reaper was still starting."""


class _ClosedBeforeAck(ConnectionError):
    """The reaper closed the connection before answering ACK."""


class Reaper:
    """One process's connection to a reaper, re-established when it drops.

    By default the session's reaper (everything labelled with the session id); with
    ``name``, ``label`` and ``value`` a reaper of its own for what carries that label (a
    shared service: its lease), reaping ``grace`` after the last holder left.
    """

    def __init__(
        self,
        session: Session,
        *,
        name: str | None = None,
        label: str = LABEL_SESSION_ID,
        value: str | None = None,
        grace: str | None = None,
    ) -> None:
        self._session = session
        self._name = name
        self._label = label
        self._value = value or session.id
        self._grace = grace
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self.container_id: str | None = None
        self._watcher: threading.Thread | None = None
        self._closed = False
        self.reconnects = 0

    @property
    def name(self) -> str:
        return self._name or reaper_name(self._session.id)

    def ensure(self) -> None:
        with self._lock:
            if self._sock is not None and _alive(self._sock):
                return
            self._replace_connection()
            if self._watcher is None:
                self._watcher = threading.Thread(
                    target=self._watch, name="dockyard-reaper-watch", daemon=True
                )
                self._watcher.start()

    def close(self) -> None:
        """Disconnect on purpose (the reaper then reaps after its grace period)."""
        with self._lock:
            self._closed = True
            if self._sock is not None:
                self._sock.close()
                self._sock = None

    def _replace_connection(self) -> None:
        if self._sock is not None:
            self._sock.close()  # the reaper went away; do not leak the dead socket
            self._sock = None
        self._sock, self.container_id = self._connect()

    def _watch(self) -> None:
        """Block on the connection; when it ends, get a reaper again within seconds."""
        while True:
            sock = self._sock
            if sock is None:
                return
            try:
                data = sock.recv(1)
            except OSError:
                data = b""
            if data:
                continue  # the protocol sends nothing after ACK; ignore stray bytes
            with self._lock:
                if self._closed:
                    return
                if self._sock is not sock:
                    continue  # ensure() already replaced it
                log.warning("the reaper %s went away; starting or joining a new one", self.name)
                delay = POLL
                while True:
                    try:
                        self._replace_connection()
                        self.reconnects += 1
                        break
                    except DockyardError as exc:
                        log.warning("cannot reach a reaper yet (%s); retrying", exc)
                        time.sleep(delay)
                        delay = min(delay * 2, 5.0)
                        if self._closed:
                            return

    # -- starting or joining ------------------------------------------------------------
    def _connect(self) -> tuple[socket.socket, str]:
        """Create (or join) the session's reaper and register with it, under one deadline."""
        session = self._session
        engine = session.engine
        config = session.config
        requested = config.ryuk_image
        image = resolve_image_name(requested, config)
        ensure_image(session, image, config.pull_policy, requested)
        env = {}
        grace = self._grace or config.ryuk_reconnection_timeout
        if grace:
            env["RYUK_RECONNECTION_TIMEOUT"] = grace
        if config.ryuk_connection_timeout:
            env["RYUK_CONNECTION_TIMEOUT"] = config.ryuk_connection_timeout
        options = {
            "image": image,
            "name": self.name,
            "auto_remove": True,
            "privileged": config.ryuk_privileged,
            "environment": env,
            "labels": {**base_labels(), LABEL_RYUK: "true"},
            "ports": {RYUK_PORT: (session.publish_address(), None)},
            "volumes": {docker_socket_path(config): {"bind": "/var/run/docker.sock", "mode": "rw"}},
        }

        def create() -> str:
            return engine.create_container(options, None, ())

        deadline = time.monotonic() + STARTUP_TIMEOUT
        last_error = "not started"
        while time.monotonic() < deadline:
            try:
                found = create_or_get(engine, self.name, create, deadline)
            except EngineError as exc:
                raise ReaperError(f"Cannot create the reaper container {self.name}: {exc}") from exc
            if found is None:
                break
            attrs, created = found
            ident = str(attrs["Id"])
            try:
                sock = self._join(ident, attrs, deadline)
                log.info(
                    "%s the reaper %s (%s)",
                    "started" if created else "joined",
                    self.name,
                    ident[:12],
                )
                return sock, ident
            except _Stale as exc:
                last_error = str(exc)
                log.info("replacing the reaper %s: %s", self.name, exc)
                try:
                    engine.remove_container(ident)
                except EngineError as err:
                    raise ReaperError(f"Cannot remove the stale reaper {self.name}: {err}") from err
            except _NotYet as exc:
                last_error = str(exc)
                break
        raise ReaperError(
            f"The reaper ({image}) did not answer within {STARTUP_TIMEOUT:.0f}s ({last_error}). "
            "Check that the reaper image works (TESTCONTAINERS_RYUK_CONTAINER_IMAGE), or set "
            "TESTCONTAINERS_RYUK_DISABLED=true to run without it."
        )

    def _join(self, ident: str, attrs: dict[str, Any], deadline: float) -> socket.socket:
        """Start the container if needed, wait until it listens, and hand our filter over."""
        engine = self._session.engine
        override = self._session.config.host_override
        if status_of(attrs) == "created":
            try:
                engine.start_container(ident)
            except NotFoundError:
                raise _Stale("it vanished before it started") from None
            except EngineError as exc:  # already started by another process is fine
                log.debug("reaper start: %s", exc)
        last_error = "not started"
        failing_since: float | None = None
        while time.monotonic() < deadline:
            try:
                attrs = engine.inspect_container(ident)
            except NotFoundError:
                raise _Stale("it vanished") from None
            status = status_of(attrs)
            if status in GONE_STATES or status == "paused":
                raise _Stale(f"it is {status}")
            ports = published_ports(attrs, RYUK_PORT)
            if ports:
                host = self._session.host(ports[0])
                try:
                    return _handshake(host, ports[0], filter_line(self._value, self._label))
                except (ConnectionResetError, _ClosedBeforeAck, OSError) as exc:
                    last_error = f"{host}:{ports[0]}: {exc}"
                    try:
                        output = engine.logs(ident, tty=False)
                    except EngineError as gone:  # being removed, or already gone
                        raise _Stale(f"it is going away ({gone.explanation})") from gone
                    failing_since = failing_since or time.monotonic()
                    failing = time.monotonic() - failing_since
                    unreachable = (
                        isinstance(exc, TimeoutError | socket.timeout)
                        or getattr(exc, "errno", None) in _UNREACHABLE
                    )
                    if b"Started!" not in output:
                        pass  # still starting: the port proxy answers before it listens
                    elif override and unreachable and failing > UNREACHABLE_AFTER:
                        raise ReaperError(
                            f"The reaper runs, but {host}:{ports[0]} does not answer "
                            f"({exc}). {host!r} comes from TESTCONTAINERS_HOST_OVERRIDE "
                            "(or host.override): set it to an address of the engine's "
                            "host that this process can reach, or unset it."
                        ) from exc
                    elif _REAPING in output or (not override and failing > STALE_AFTER):
                        # It listened and no longer does: it is reaping. (A slow answer under
                        # load is no sign of that: a healthy reaper others use is kept.)
                        raise _Stale(f"it no longer accepts clients ({exc})") from exc
            time.sleep(POLL)
        raise _NotYet(last_error)


def _alive(sock: socket.socket) -> bool:
    try:
        data = sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
    except BlockingIOError:
        return True
    except OSError:
        return False
    return bool(data)


def _handshake(host: str, port: int, line: bytes) -> socket.socket:
    sock = socket.create_connection((host, port), timeout=2)
    try:
        sock.sendall(line)
        reply = b""
        while not reply.endswith(b"\n"):
            chunk = sock.recv(64)
            if not chunk:
                raise _ClosedBeforeAck("reaper closed the connection before ACK")
            reply += chunk
        if reply.strip() != b"ACK":
            raise ConnectionError(f"unexpected reaper reply {reply!r}")
    except BaseException:
        sock.close()
        raise
    sock.settimeout(None)
    # Keep-alive lets the kernel notice a dead engine host; the socket stays open until exit.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    return sock
