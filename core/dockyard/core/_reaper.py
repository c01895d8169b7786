"""The session's Ryuk reaper: removes everything labelled with the session id once the
test processes are gone, even when they were killed with SIGKILL.

Wire protocol: connect to TCP 8080, send ``label=org.testcontainers.sessionId%3D<id>\n``,
read ``ACK\n``, then keep the connection open for the life of the process. The reaper
starts cleaning RYUK_RECONNECTION_TIMEOUT after its last client disconnected.

Several processes of one session (Bazel test targets sharing TESTCONTAINERS_SESSION_ID)
race to create the reaper under one deterministic name; the losers get 409 Conflict and
use the winner's container.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlparse

import docker.errors

from ._client import DockerClient, docker_host_url
from ._config import Config, load_config
from ._errors import ReaperError
from ._host import RESOLVER
from ._images import ensure_image, resolve_image_name
from ._labels import LABEL_RYUK, LABEL_SESSION_ID, base_labels
from ._session import name_safe, session_id

log = logging.getLogger("dockyard.core.reaper")

RYUK_PORT = "8080/tcp"
STARTUP_TIMEOUT = 60.0
_POLL = 0.05
_GONE_STATES = ("exited", "dead", "removing")


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
        if existing is not None and existing.alive():
            return
        _connections[key] = _connect(client, config, sid, host_url)


def reaper_container_id() -> str | None:
    """The id of the reaper this process is connected to (None when disabled or not started)."""
    for (pid, sid, _), conn in _connections.items():
        if pid == os.getpid() and sid == session_id():
            return conn.container_id
    return None


def _create_or_find(client: DockerClient, config: Config, sid: str, image: str) -> object:
    from ._host import publish_address  # late import: keeps the host module free of cycles

    host_url = docker_host_url(client, config)
    bind_ip = publish_address(client, host_url, config.host_override)
    env = {}
    if config.ryuk_reconnection_timeout:
        env["RYUK_RECONNECTION_TIMEOUT"] = config.ryuk_reconnection_timeout
    if config.ryuk_connection_timeout:
        env["RYUK_CONNECTION_TIMEOUT"] = config.ryuk_connection_timeout
    name = reaper_name(sid)
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while True:
        try:
            return client.containers.create(
                image,
                name=name,
                detach=True,
                auto_remove=True,
                privileged=False,
                environment=env,
                labels={**base_labels(), LABEL_RYUK: "true"},
                ports={RYUK_PORT: (bind_ip, None)},
                volumes={
                    docker_socket_path(config): {"bind": "/var/run/docker.sock", "mode": "rw"}
                },
            )
        except docker.errors.APIError as exc:
            if exc.status_code != 409:
                raise ReaperError(f"Cannot create the reaper container {name}: {exc}") from exc
        # Someone else of this session created it: use theirs unless it is going away.
        try:
            container = client.containers.get(name)
            if container.status not in _GONE_STATES:
                return container
        except docker.errors.NotFound:
            pass
        if time.monotonic() > deadline:
            raise ReaperError(f"The reaper container {name} kept disappearing; retry the run.")
        time.sleep(_POLL * 4)


def _connect(client: DockerClient, config: Config, sid: str, host_url: str) -> _Connection:
    requested = config.ryuk_image
    image = resolve_image_name(requested, config)
    ensure_image(client, image, config.pull_policy, requested)
    container = _create_or_find(client, config, sid, image)
    cid = str(getattr(container, "id", ""))
    try:
        container.start()  # type: ignore[attr-defined]
    except docker.errors.APIError as exc:  # already started by another process is fine
        log.debug("reaper start: %s", exc)
    deadline = time.monotonic() + STARTUP_TIMEOUT
    published_at: float | None = None
    last_error = "not started"
    while time.monotonic() < deadline:
        try:
            container.reload()  # type: ignore[attr-defined]
        except docker.errors.NotFound:
            raise ReaperError("The reaper container vanished while starting; retry.") from None
        attrs = container.attrs  # type: ignore[attr-defined]
        state = attrs.get("State", {})
        if state.get("Status") in _GONE_STATES:
            logs = _tail_logs(container)
            raise ReaperError(f"The reaper container exited while starting:\n{logs}")
        bindings = (attrs.get("NetworkSettings", {}).get("Ports") or {}).get(RYUK_PORT) or []
        port = next((int(b["HostPort"]) for b in bindings if b.get("HostPort")), None)
        if port is not None:
            published_at = published_at or time.monotonic()
            started = b"Started!" in container.logs()  # type: ignore[attr-defined]
            if started or time.monotonic() - published_at > 5:
                host = RESOLVER.resolve(client, host_url, config.host_override, port)
                try:
                    return _Connection(_handshake(host, port, sid), cid)
                except OSError as exc:
                    last_error = f"{host}:{port}: {exc}"
        time.sleep(_POLL)
    raise ReaperError(
        f"The reaper ({image}) did not answer within {STARTUP_TIMEOUT:.0f}s ({last_error}). "
        "Check the reaper image, or set TESTCONTAINERS_RYUK_DISABLED=true to run without it."
    )


def _handshake(host: str, port: int, sid: str) -> socket.socket:
    sock = socket.create_connection((host, port), timeout=2)
    try:
        sock.sendall(filter_line(sid))
        reply = b""
        while not reply.endswith(b"\n"):
            chunk = sock.recv(64)
            if not chunk:
                raise ConnectionError("reaper closed the connection before ACK")
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


def _tail_logs(container: object) -> str:
    try:
        data: bytes = container.logs(tail=20)  # type: ignore[attr-defined]
        return data.decode(errors="replace")
    except docker.errors.APIError:
        return ""
