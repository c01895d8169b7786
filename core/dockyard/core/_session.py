"""The session: what one process shares for one engine.

One ``Session`` per (process, engine, session id) holds the engine connection, the host
resolver, the reaper connection, the labels that mark what the session creates and the
images already known to be present. It is created lazily by the first container, network
or image that needs it, and replaces module-level caches: a forked child gets sessions of
its own, because its parent's connections are not.

Bazel runs every test target as its own process; TESTCONTAINERS_SESSION_ID lets them share
one reaper. Without it each process gets its own random id.
"""

from __future__ import annotations

import os
import threading
import uuid
from typing import Any

from ._config import Config, load_config
from ._engine import DockerEngine, Engine
from ._host import HostDecision, HostResolver
from ._labels import session_labels
from ._reaper import Reaper
from ._sharing import Leases

_ENV = "TESTCONTAINERS_SESSION_ID"
_per_process: dict[int, str] = {}


def session_id() -> str:
    configured = os.environ.get(_ENV, "").strip()
    if configured:
        return configured
    pid = os.getpid()
    if pid not in _per_process:
        _per_process[pid] = uuid.uuid4().hex
    return _per_process[pid]


class Session:
    """Engine, host, reaper and labels of one process's containers on one engine."""

    def __init__(self, engine: Engine, sid: str) -> None:
        self.engine = engine
        self.id = sid
        self._lock = threading.RLock()
        self._hosts: dict[str | None, HostResolver] = {}
        self._reaper: Reaper | None = None
        self._images: set[str] = set()
        self.leases = Leases(self)

    @property
    def config(self) -> Config:
        """The current settings (the properties file is only re-read when it changed)."""
        return load_config()

    def labels(self) -> dict[str, str]:
        """Labels for what the session's reaper must remove when the session ends."""
        return session_labels(self.id)

    # -- host ---------------------------------------------------------------------------
    def _resolver(self) -> HostResolver:
        override = self.config.host_override
        with self._lock:
            if override not in self._hosts:
                self._hosts[override] = HostResolver(self.engine, override)
            return self._hosts[override]

    def host(self, probe_port: Any = None) -> str:
        """The address the test process uses for published ports (decided once)."""
        return self._resolver().resolve(probe_port)

    def host_decision(self) -> HostDecision:
        """How the host is decided (``reason`` says why), without probing."""
        return self._resolver().decision()

    def publish_address(self) -> str:
        return self._resolver().publish_address()

    # -- reaper -------------------------------------------------------------------------
    def ensure_reaper(self) -> None:
        """Start (or join) the session's reaper unless it is disabled; idempotent."""
        if self.config.ryuk_disabled:
            return
        with self._lock:
            if self._reaper is None:
                self._reaper = Reaper(self)
            reaper = self._reaper
        reaper.ensure()

    @property
    def reaper(self) -> Reaper | None:
        return self._reaper

    # -- images ---------------------------------------------------------------------------
    def image_known(self, image: str) -> bool:
        with self._lock:
            return image in self._images

    def remember_image(self, image: str, present: bool = True) -> None:
        with self._lock:
            if present:
                self._images.add(image)
            else:
                self._images.discard(image)


_lock = threading.Lock()
_sessions: dict[tuple[int, str, str], Session] = {}


def current_session(docker_client: Any = None) -> Session:
    """The session for the configured engine (or for an explicitly given docker-py client)."""
    sid = session_id()
    pid = os.getpid()
    if docker_client is not None:
        key = (pid, f"client:{id(docker_client)}", sid)
    else:
        key = (pid, load_config().docker_host or "", sid)
    with _lock:
        session = _sessions.get(key)
    if session is not None:
        return session
    engine = (
        DockerEngine.from_client(docker_client)
        if docker_client is not None
        else DockerEngine.connect(load_config().docker_host)
    )
    with _lock:
        return _sessions.setdefault(key, Session(engine, sid))


def install_session(session: Session | None) -> Session | None:
    """Make ``session`` the current one for the configured engine; returns the one before.

    For test doubles (``dockyard.core.testing.use_engine``); None uninstalls.
    """
    key = (os.getpid(), load_config().docker_host or "", session_id())
    with _lock:
        previous = _sessions.pop(key, None)
        if session is not None:
            _sessions[key] = session
    return previous
