"""User-defined Docker networks: containers on them find each other by alias."""

from __future__ import annotations

import contextlib
import logging
import threading
import uuid
from typing import Any, Self

import docker.errors

from ._client import DockerClient, create_client
from ._config import load_config
from ._errors import ConfigurationError, ContainerNotStartedError, DockyardError
from ._labels import session_labels
from ._lifecycle import Lifecycle
from ._reaper import ensure_reaper
from ._session import session_id

log = logging.getLogger("dockyard.core.network")


class Network(Lifecycle):
    """A labelled network with a random name, created on ``create()`` or ``with``."""

    def __init__(
        self,
        name: str | None = None,
        *,
        driver: str = "bridge",
        labels: dict[str, str] | None = None,
        docker_client: DockerClient | None = None,
        **create_kwargs: Any,
    ) -> None:
        if name is not None and not name.strip():
            raise ConfigurationError("Network name must not be empty; omit it for a random one.")
        self.name = name or f"dockyard-{uuid.uuid4().hex[:12]}"
        self.driver = driver
        self._labels = dict(labels or {})
        self._client = docker_client
        self._create_kwargs = create_kwargs
        self._network: Any = None
        # Containers started in parallel (start_all) may share one uncreated network.
        self._lock = threading.Lock()

    @property
    def id(self) -> str:
        if self._network is None:
            raise ContainerNotStartedError(
                f"Network {self.name} has not been created; call create() or use `with`."
            )
        return str(self._network.id)

    @property
    def created(self) -> bool:
        return self._network is not None

    def create(self) -> Self:
        self._create_if_needed()
        return self

    def _create_if_needed(self) -> bool:
        """Create the network unless this object already did; True when this call did."""
        with self._lock:
            if self._network is not None:
                return False
            client = self._client = self._client or create_client()
            ensure_reaper(client, load_config())
            try:
                self._network = client.networks.create(
                    self.name,
                    driver=self.driver,
                    labels={**session_labels(session_id()), **self._labels},
                    check_duplicate=True,
                    **self._create_kwargs,
                )
            except docker.errors.APIError as exc:
                raise DockyardError(
                    f"Cannot create network {self.name}: {exc.explanation or exc}. "
                    "Choose another name or remove the old network."
                ) from exc
            except TypeError as exc:
                raise ConfigurationError(
                    f"Invalid options for network {self.name}: {exc}. Extra keyword arguments "
                    "of Network go to docker-py's networks.create()."
                ) from exc
            return True

    def remove(self) -> None:
        with self._lock:
            if self._network is None:
                return
            with contextlib.suppress(docker.errors.NotFound):
                self._network.remove()
            self._network = None

    def _remove_quietly(self) -> None:
        """Remove after a failed start; still in use by another container is left alone."""
        try:
            self.remove()
        except docker.errors.APIError as exc:
            log.debug("network %s stays: %s", self.name, exc)

    def get_wrapped_network(self) -> Any:
        return self._network

    def _bring_up(self) -> Self:
        return self.create()

    def _tear_down(self) -> None:
        self.remove()

    def __repr__(self) -> str:
        return f"Network(name={self.name!r})"
