"""User-defined Docker networks: containers on them find each other by alias."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from typing import Any, Self

from ._errors import (
    ConfigurationError,
    ConflictError,
    ContainerNotStartedError,
    DockyardError,
    EngineError,
)
from ._host_ports import leave_network
from ._interrupts import interrupts_deferred
from ._labels import LABEL_CREATION, LABEL_SESSION_ID
from ._lifecycle import Lifecycle
from ._session import Session, current_session

log = logging.getLogger("dockyard.core.network")

# How long remove() waits for containers of this session that are being removed.
DETACH_TIMEOUT = 5.0


class Network(Lifecycle):
    """A labelled network with a random name, created on ``create()`` or ``with``."""

    def __init__(
        self,
        name: str | None = None,
        *,
        driver: str = "bridge",
        labels: dict[str, str] | None = None,
        docker_client: Any = None,
        **create_kwargs: Any,
    ) -> None:
        if name is not None and (not isinstance(name, str) or not name.strip()):
            raise ConfigurationError("Network name must not be empty; omit it for a random one.")
        self.name = name or f"dockyard-{uuid.uuid4().hex[:12]}"
        self.driver = driver
        self._labels = dict(labels or {})
        self._client = docker_client
        self._create_kwargs = create_kwargs
        self._id: str | None = None
        self._session: Session | None = None
        # Containers started in parallel (start_all) may share one uncreated network.
        self._lock = threading.Lock()

    @property
    def id(self) -> str:
        if self._id is None:
            raise ContainerNotStartedError(
                f"Network {self.name} has not been created; call create() or use `with`."
            )
        return self._id

    @property
    def created(self) -> bool:
        return self._id is not None

    def create(self) -> Self:
        self.create_if_needed(None)
        return self

    def create_if_needed(self, session: Session | None) -> bool:
        """Create the network unless this object already did; True when this call did."""
        with self._lock:
            if self._id is not None:
                return False
            session = self._session = session or current_session(self._client)
            session.ensure_reaper()
            engine = session.engine
            token = uuid.uuid4().hex
            labels = {**session.labels(), **self._labels, LABEL_CREATION: token}
            try:
                self._id = engine.create_network(
                    self.name, driver=self.driver, labels=labels, options=self._create_kwargs
                )
            except BaseException as exc:
                # An interrupt may arrive after the engine made it: find it by its token.
                with interrupts_deferred():
                    for found in engine.list_networks({"label": f"{LABEL_CREATION}={token}"}):
                        engine.remove_network(str(found["Id"]))
                if isinstance(exc, EngineError):
                    raise DockyardError(
                        f"Cannot create network {self.name}: {exc.explanation}. "
                        "Choose another name or remove the old network."
                    ) from exc
                raise
            log.info("created network %s", self.name)
            return True

    def remove(self) -> None:
        """Remove the network; containers of this session still being removed are waited for."""
        with self._lock:
            if self._id is None:
                return
            assert self._session is not None
            engine = self._session.engine
            leave_network(self._session, self.name)
            deadline = time.monotonic() + DETACH_TIMEOUT
            while True:
                try:
                    engine.remove_network(self._id)
                    break
                except (ConflictError, EngineError) as exc:
                    if "active endpoints" not in exc.explanation:
                        raise
                    attached = self._attached_containers()
                    foreign = [c for c in attached if not c[1]]
                    if foreign or time.monotonic() >= deadline:
                        names = ", ".join(name for name, _ in attached) or "unknown"
                        raise DockyardError(
                            f"Cannot remove network {self.name}: containers are still attached "
                            f"({names}). Stop them first (leave their `with` blocks before "
                            "the network's), or remove them with `docker rm -f`."
                        ) from exc
                    time.sleep(0.1)
            self._id = None

    def _attached_containers(self) -> list[tuple[str, bool]]:
        """(name, is ours) of each container on the network."""
        assert self._session is not None and self._id is not None
        engine = self._session.engine
        try:
            attrs = engine.inspect_network(self._id)
        except EngineError:
            return []
        result = []
        for ident, info in (attrs.get("Containers") or {}).items():
            name = str(info.get("Name") or ident[:12])
            try:
                labels = (engine.inspect_container(ident).get("Config") or {}).get("Labels") or {}
            except EngineError:
                result.append((name, True))  # already gone
                continue
            result.append((name, labels.get(LABEL_SESSION_ID) == self._session.id))
        return result

    def remove_quietly(self) -> None:
        """Remove after a failed start; one still used by another container stays."""
        try:
            self.remove()
        except DockyardError as exc:
            log.debug("network %s stays: %s", self.name, exc)

    def get_wrapped_network(self) -> Any:
        if self._id is None or self._session is None:
            return None
        return self._session.engine.network_model(self._id)

    def _bring_up(self) -> Self:
        return self.create()

    def _tear_down(self) -> None:
        self.remove()

    def __repr__(self) -> str:
        return f"Network(name={self.name!r})"
