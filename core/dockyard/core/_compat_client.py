"""testcontainers-python's ``DockerClient``: the engine connection as its fixtures use it.

``.client`` is docker-py's client (the session's own); the methods answer from Dockyard's
engine layer and host logic. Anything else is looked up on docker-py's client, so code
that treated ``container.get_docker_client()`` as docker-py keeps working too.
"""

from __future__ import annotations

import socket
from typing import Any

from ._compat_config import ConnectionMode, testcontainers_config
from ._compat_inspect import ContainerInspectInfo
from ._config import load_config
from ._engine import make_client
from ._errors import ConfigurationError, DockyardError
from ._inspect import published_ports
from ._labels import LABEL_HASH, session_labels
from ._session import Session, current_session, session_id

__all__ = ["DockerClient", "get_docker_host", "is_podman"]


def get_docker_host() -> str | None:
    """The engine the settings name: ``tc.host`` in the properties file, then DOCKER_HOST."""
    return testcontainers_config.tc_properties_get_tc_host() or load_config().docker_host


def is_podman() -> bool:
    """Whether the engine is Podman (by what its version report names)."""
    components = current_session().engine.version().get("Components") or []
    return any("podman" in str(c.get("Name", "")).lower() for c in components)


class DockerClient:
    """The engine of the session (or of ``docker.from_env(**kwargs)`` when given kwargs)."""

    def __init__(self, **kwargs: Any) -> None:
        self._session: Session = current_session(make_client(**kwargs) if kwargs else None)
        self.client: Any = self._session.engine.docker_client

    @classmethod
    def of(cls, session: Session) -> DockerClient:
        """The DockerClient of an existing session."""
        client = cls.__new__(cls)
        client._session = session
        client.client = session.engine.docker_client
        return client

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    # -- containers ---------------------------------------------------------------------
    def run(
        self,
        image: str,
        command: str | list[str] | None = None,
        environment: dict[str, str] | None = None,
        ports: dict[str, Any] | None = None,
        labels: dict[str, str] | None = None,
        detach: bool = False,
        stdout: bool = True,
        stderr: bool = False,
        remove: bool = False,
        **kwargs: Any,
    ) -> Any:
        """docker-py's ``containers.run`` with the session's labels (so the reaper sees it)."""
        return self._labelled(
            self.client.containers.run,
            image,
            command,
            environment,
            ports,
            labels,
            detach=detach,
            stdout=stdout,
            stderr=stderr,
            remove=remove,
            **kwargs,
        )

    def create(
        self,
        image: str,
        command: str | list[str] | None = None,
        environment: dict[str, str] | None = None,
        ports: dict[str, Any] | None = None,
        labels: dict[str, str] | None = None,
        detach: bool = False,
        **kwargs: Any,
    ) -> Any:
        """docker-py's ``containers.create`` with the session's labels."""
        return self._labelled(
            self.client.containers.create,
            image,
            command,
            environment,
            ports,
            labels,
            detach=detach,
            **kwargs,
        )

    def _labelled(
        self,
        make: Any,
        image: str,
        command: str | list[str] | None,
        environment: dict[str, str] | None,
        ports: dict[str, Any] | None,
        labels: dict[str, str] | None,
        **kwargs: Any,
    ) -> Any:
        self._session.ensure_reaper()
        return make(
            image,
            command=command,
            environment=environment,
            ports=ports,
            labels=create_labels(image, labels),
            **kwargs,
        )

    def start(self, container: Any) -> None:
        container.start()

    def build(self, path: str, tag: str | None = None, rm: bool = True, **kwargs: Any) -> Any:
        """docker-py's ``images.build`` with the session's labels: (image, build log)."""
        self._session.ensure_reaper()
        labels = {**session_labels(session_id()), **kwargs.pop("labels", {})}
        return self.client.images.build(path=str(path), tag=tag, rm=rm, labels=labels, **kwargs)

    def get_container(self, container_id: str) -> dict[str, Any]:
        """The engine's list entry for the container (``State``, ``Ports``, ...)."""
        found = self._session.engine.list_containers({"id": container_id})
        if not found:
            raise DockyardError(f"Could not get container with id {container_id}")
        return found[0]

    def get_container_inspect_info(self, container_id: str) -> ContainerInspectInfo:
        return ContainerInspectInfo.from_dict(self._session.engine.inspect_container(container_id))

    def find_container_by_hash(self, digest: str) -> Any | None:
        """The container carrying configuration hash ``digest`` (reuse and sharing), or None."""
        found = self._session.engine.list_containers({"label": f"{LABEL_HASH}={digest}"})
        return self.client.containers.get(found[0]["Id"]) if found else None

    def port(self, container_id: str, port: int | str) -> str:
        """The host port published for ``port`` (ConnectionError when there is none)."""
        spec = str(port) if "/" in str(port) else f"{port}/tcp"
        published = published_ports(self._session.engine.inspect_container(container_id), spec)
        if not published:
            raise ConnectionError(
                f"Port mapping for container {container_id} and port {port} is not available"
            )
        return str(published[0])

    def _network(self, container_id: str) -> dict[str, Any]:
        attrs = self._session.engine.inspect_container(container_id)
        mode = str((attrs.get("HostConfig") or {}).get("NetworkMode") or "bridge")
        networks = (attrs.get("NetworkSettings") or {}).get("Networks") or {}
        name = "bridge" if mode == "default" else mode
        return dict(networks.get(name) or next(iter(networks.values()), {}))

    def bridge_ip(self, container_id: str) -> str:
        return str(self._network(container_id).get("IPAddress") or "")

    def gateway_ip(self, container_id: str) -> str:
        return str(self._network(container_id).get("Gateway") or "")

    def network_name(self, container_id: str) -> str:
        attrs = self._session.engine.inspect_container(container_id)
        mode = str((attrs.get("HostConfig") or {}).get("NetworkMode") or "bridge")
        return "bridge" if mode == "default" else mode

    def find_host_network(self) -> str | None:
        """The network of the container this process runs in, if it is one of the engine's."""
        try:
            me = self._session.engine.inspect_container(socket.gethostname())
        except DockyardError:
            return None
        networks = (me.get("NetworkSettings") or {}).get("Networks") or {}
        return next(iter(networks), None)

    def get_connection_mode(self) -> ConnectionMode:
        override = testcontainers_config.connection_mode_override
        return override if override is not None else ConnectionMode.docker_host

    def host(self) -> str:
        """The address for published ports (Dockyard's host logic, decided once)."""
        return self._session.host()

    def client_networks_create(self, name: str, param: dict[str, Any]) -> Any:
        labels = {**session_labels(session_id()), **param.pop("labels", {})}
        self._session.ensure_reaper()
        return self.client.networks.create(name, labels=labels, **param)

    def login(self, auth_config: Any) -> None:
        self.client.login(**(auth_config if isinstance(auth_config, dict) else vars(auth_config)))


def create_labels(image: str, labels: dict[str, str] | None) -> dict[str, str]:
    """The session's labels plus the caller's; ``org.testcontainers*`` keys are reserved."""
    user = dict(labels or {})
    for key in user:
        if key.startswith("org.testcontainers"):
            raise ConfigurationError(
                f"Label {key!r}: the org.testcontainers namespace is reserved for "
                "Testcontainers and Dockyard; choose a key of your own."
            )
    return {**user, **session_labels(session_id())}
