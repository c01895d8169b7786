"""The session's Ryuk reaper: removes everything labelled with the session id once the
test processes are gone, even when they were killed with SIGKILL.

Wire protocol: connect to TCP 8080, send ``label=org.testcontainers.sessionId%3D<id>\n``,
read ``ACK\n``, then keep the connection open for the life of the process. The reaper
starts cleaning RYUK_RECONNECTION_TIMEOUT after its last client disconnected.

Several processes of one session (Bazel test targets sharing TESTCONTAINERS_SESSION_ID)
race to create the reaper under one deterministic name; the losers get 409 Conflict and
use the winner's container, unless it can serve nobody any more (exited, paused, or
already reaping after its last client left): that one is removed and replaced.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlparse

import docker.errors

from ._client import DockerClient, docker_host_url
from ._config import Config, load_config
from ._errors import ReaperError
from ._host import RESOLVER, publish_address
from ._images import ensure_image, resolve_image_name
from ._inspect import (
    GONE_STATES,
    POLL,
    create_or_get,
    force_remove,
    published_ports,
    status_of,
    tail_logs,
)
from ._labels import LABEL_RYUK, LABEL_SESSION_ID, base_labels
from ._session import name_safe, session_id

log = logging.getLogger("dockyard.core.reaper")

RYUK_PORT = "8080/tcp"
STARTUP_TIMEOUT = 60.0


@dataclass
class _Connection:
    sock: socket.socket
    container_id: str

    def alive(self) -> bool:
        try:
            data = self.sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
        except BlockingIOError:
            return True
        except OSError:
            return False
        return bool(data)


_lock = threading.Lock()
_connections: dict[tuple[int, str, str], _Connection] = {}


def reaper_name(sid: str) -> str:
    return f"dockyard-ryuk-{name_safe(sid)}"


def filter_line(sid: str) -> bytes:
    """The Ryuk filter for one session: ``label=org.testcontainers.sessionId%3D<id>``."""
    return (urlencode([("label", f"{LABEL_SESSION_ID}={sid}")]) + "\n").encode()


def docker_socket_path(config: Config) -> str:
    override = config.docker_socket_override
    if override:
        return override
    url = urlparse(config.docker_host or "")
    if url.scheme == "unix" and url.path:
        return url.path
    return "/var/run/docker.sock"


def ensure_reaper(client: DockerClient, config: Config | None = None) -> None:
    """Start (or join) the session's reaper once per process; a no-op when disabled."""
    config = config or load_config()
    if config.ryuk_disabled:
        return
    sid = session_id()
    host_url = docker_host_url(client, config)
    key = (os.getpid(), sid, host_url)
    with _lock:
        existing = _connections.get(key)
        if existing is not None:
            if existing.alive():
                return
            existing.sock.close()  # the reaper went away; do not leak the dead socket
            del _connections[key]
        _connections[key] = _connect(client, config, sid, host_url)


def reaper_container_id() -> str | None:
    """The id of the reaper this process is connected to (None when disabled or not started)."""
    for (pid, sid, _), conn in _connections.items():
        if pid == os.getpid() and sid == session_id():
            return conn.container_id
    return None


class _Stale(Exception):
    """The reaper container can serve nobody any more: remove it and create a fresh one."""


def _connect(client: DockerClient, config: Config, sid: str, host_url: str) -> _Connection:
    """Create (or join) the session's reaper and register with it, under one deadline.

    A reaper found under the deterministic name may be of no use: exited or dead (not
    auto-removed), paused, vanished, or still running but already reaping (its listener
    is closed, so the handshake meets EOF or a refusal after it had logged ``Started!``).
    Such a reaper is force-removed and a fresh one created.
    """
    requested = config.ryuk_image
    image = resolve_image_name(requested, config)
    ensure_image(client, image, config.pull_policy, requested)
    name = reaper_name(sid)
    env = {}
    if config.ryuk_reconnection_timeout:
        env["RYUK_RECONNECTION_TIMEOUT"] = config.ryuk_reconnection_timeout
    if config.ryuk_connection_timeout:
        env["RYUK_CONNECTION_TIMEOUT"] = config.ryuk_connection_timeout
    bind_ip = publish_address(client, host_url, config.host_override)

    def create() -> Any:
        return client.containers.create(
            image,
            name=name,
            detach=True,
            auto_remove=True,
            privileged=False,
            environment=env,
            labels={**base_labels(), LABEL_RYUK: "true"},
            ports={RYUK_PORT: (bind_ip, None)},
            volumes={docker_socket_path(config): {"bind": "/var/run/docker.sock", "mode": "rw"}},
        )

    deadline = time.monotonic() + STARTUP_TIMEOUT
    last_error = "not started"
    while time.monotonic() < deadline:
        try:
            found = create_or_get(client, name, create, deadline)
        except docker.errors.APIError as exc:
            raise ReaperError(f"Cannot create the reaper container {name}: {exc}") from exc
        if found is None:
            break
        container, _ = found
        try:
            sock = _join(client, config, container, sid, host_url, deadline)
            return _Connection(sock, str(container.id))
        except _Stale as exc:
            last_error = str(exc)
            log.info("replacing the reaper %s: %s", name, exc)
            try:
                force_remove(client, str(container.id))
            except docker.errors.APIError as err:
                raise ReaperError(f"Cannot remove the stale reaper {name}: {err}") from err
        except _NotYet as exc:
            last_error = str(exc)
            break
    raise ReaperError(
        f"The reaper ({image}) did not answer within {STARTUP_TIMEOUT:.0f}s ({last_error}). "
        "Check the reaper image, or set TESTCONTAINERS_RYUK_DISABLED=true to run without it."
    )


class _NotYet(Exception):
    """The deadline passed while the reaper was still starting."""


def _join(
    client: DockerClient,
    config: Config,
    container: Any,
    sid: str,
    host_url: str,
    deadline: float,
) -> socket.socket:
    """Start the container if needed, wait until it listens, and hand our filter over."""
    if status_of(container) == "created":
        try:
            container.start()
        except docker.errors.NotFound:
            raise _Stale("it vanished before it started") from None
        except docker.errors.APIError as exc:  # already started by another process is fine
            log.debug("reaper start: %s", exc)
    published_at: float | None = None
    last_error = "not started"
    while time.monotonic() < deadline:
        try:
            container.reload()
        except docker.errors.NotFound:
            raise _Stale("it vanished") from None
        status = status_of(container)
        if status in GONE_STATES or status == "paused":
            logs = tail_logs(container, 20)
            raise _Stale(f"it is {status}" + (f"; last log lines:\n{logs}" if logs else ""))
        ports = published_ports(container.attrs, RYUK_PORT)
        if ports:
            published_at = published_at or time.monotonic()
            started = b"Started!" in container.logs()
            if started or time.monotonic() - published_at > 5:
                host = RESOLVER.resolve(client, host_url, config.host_override, ports[0])
                try:
                    return _handshake(host, ports[0], sid)
                except (ConnectionRefusedError, ConnectionResetError, _ClosedBeforeAck) as exc:
                    if started:  # it listened and no longer does: it is reaping
                        raise _Stale(f"it no longer accepts clients ({exc})") from exc
                    last_error = f"{host}:{ports[0]}: {exc}"
                except OSError as exc:
                    last_error = f"{host}:{ports[0]}: {exc}"
        time.sleep(POLL)
    raise _NotYet(last_error)


class _ClosedBeforeAck(ConnectionError):
    """The reaper closed the connection before answering ACK."""


def _handshake(host: str, port: int, sid: str) -> socket.socket:
    sock = socket.create_connection((host, port), timeout=2)
    try:
        sock.sendall(filter_line(sid))
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
