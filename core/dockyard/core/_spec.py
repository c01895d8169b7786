"""ContainerSpec: everything a container is made of, as one frozen value.

The builder (``DockerContainer.with_*``) and a module's ``_configure_spec`` hook only ever
produce new specs, so what a start created can be compared, hashed and repeated: the
engine's create options and the reuse/sharing hash both come from the spec and nothing else.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Protocol, Self, runtime_checkable

from ._archive import archive_for
from ._errors import ConfigurationError
from ._image_names import ImageName
from ._ports import Port, PortLike, parse_port

_VOLUME_MODES = frozenset({"ro", "rw", "z", "Z"})
# RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens.
_DNS_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_CONTAINER_NAME = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_.-]*")
_ENV_NAME = re.compile(r"[^=\x00]+")

Command = str | tuple[str, ...]
#: What can be copied into a container (testcontainers-python's names): bytes or a host path.
Transferable = bytes | Path
TransferSpec = tuple[Transferable, str] | tuple[Transferable, str, int]


@runtime_checkable
class NamedNetwork(Protocol):
    """A network object (core's ``Network``); start() creates it when it does not exist yet."""

    @property
    def name(self) -> str: ...


NetworkRef = NamedNetwork | str


def network_name(network: NetworkRef) -> str:
    return network if isinstance(network, str) else network.name


def _frozen(mapping: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


def check_alias(alias: object) -> str:
    """A network alias must be a host name peers can resolve (RFC 1123)."""
    if not isinstance(alias, str) or not alias or len(alias) > 253:
        raise ConfigurationError(
            f"Network alias {alias!r} is not a valid host name: use letters, digits and "
            "hyphens, e.g. 'cache' or 'db-primary'."
        )
    for label in alias.split("."):
        if not _DNS_LABEL.fullmatch(label):
            raise ConfigurationError(
                f"Network alias {alias!r} is not a valid host name (RFC 1123): each "
                "dot-separated part is 1-63 letters, digits or inner hyphens, e.g. 'cache'."
            )
    return alias


def check_command(value: str | Sequence[str], what: str) -> Command:
    if isinstance(value, str):
        if not value.strip():
            raise ConfigurationError(f"The {what} must not be empty.")
        return value
    items = tuple(value)
    if not items or not all(isinstance(v, str) for v in items):
        raise ConfigurationError(f"The {what} must be a string or a non-empty list of strings.")
    return items


@dataclass(frozen=True)
class PortBinding:
    """A container port, published on a random host port (``host_port=None``) or a fixed one."""

    port: Port
    host_port: int | None = None


@dataclass(frozen=True)
class VolumeMount:
    host: str
    container: str
    mode: str = "ro"


@dataclass(frozen=True)
class NetworkAttachment:
    """A network the container joins and the aliases peers use for it there.

    ``network`` is a ``Network`` (created at start when it does not exist yet) or the name
    of an existing network.
    """

    network: NetworkRef
    aliases: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return network_name(self.network)


@dataclass(frozen=True)
class FileCopy:
    """Bytes, a host file or a host directory, copied to ``path`` before the container starts."""

    content: bytes | Path
    path: str
    mode: int = 0o644

    def archive(self) -> bytes:
        return archive_for(self.content, self.path, self.mode)

    def digest(self) -> str:
        """What the copy holds, for the configuration hash (not the host path's name)."""
        h = hashlib.sha256()
        if isinstance(self.content, bytes):
            h.update(self.content)
        elif self.content.is_dir():
            for root, dirs, files in os.walk(self.content):
                dirs.sort()
                for name in sorted(files):
                    path = Path(root, name)
                    h.update(str(path.relative_to(self.content)).encode() + b"\0")
                    h.update(path.read_bytes())
        else:
            h.update(self.content.read_bytes())
        return h.hexdigest()


@dataclass(frozen=True)
class ContainerSpec:
    """The complete description of one container; every ``with_*`` returns a new spec."""

    image: str
    ports: tuple[PortBinding, ...] = ()
    env: Mapping[str, str] = field(default_factory=_frozen)
    command: Command | None = None
    entrypoint: Command | None = None
    labels: Mapping[str, str] = field(default_factory=_frozen)
    volumes: tuple[VolumeMount, ...] = ()
    tmpfs: Mapping[str, str] = field(default_factory=_frozen)
    networks: tuple[NetworkAttachment, ...] = ()
    # Aliases given before any network: they go to the next network added (upstream order).
    pending_aliases: tuple[str, ...] = ()
    copies: tuple[FileCopy, ...] = ()
    # docker-py ``containers.create()`` keyword arguments the builder has no method for.
    options: Mapping[str, Any] = field(default_factory=_frozen)
    name: str | None = None
    #: Ports of the test host this container reaches as host.testcontainers.internal.
    host_ports: tuple[int, ...] = ()

    @classmethod
    def of(cls, image: str) -> ContainerSpec:
        ImageName.parse(image)
        return cls(image=image)

    def _replace(self, **changes: Any) -> Self:
        return dataclasses.replace(self, **changes)

    # -- image and identity -----------------------------------------------------------
    def with_image(self, image: str) -> Self:
        ImageName.parse(image)
        return self._replace(image=image)

    def with_name(self, name: str) -> Self:
        if not isinstance(name, str) or not _CONTAINER_NAME.fullmatch(name):
            raise ConfigurationError(
                f"Container name {name!r} is not valid: start with a letter or digit, then "
                "letters, digits, '_', '.' or '-'."
            )
        return self._replace(name=name)

    # -- ports ----------------------------------------------------------------------------
    @property
    def exposed_ports(self) -> list[Port]:
        return [binding.port for binding in self.ports]

    def _with_binding(self, binding: PortBinding, *, keep_existing: bool) -> Self:
        bindings = list(self.ports)
        for index, existing in enumerate(bindings):
            if existing.port == binding.port:
                if not keep_existing:
                    bindings[index] = binding
                return self._replace(ports=tuple(bindings))
        return self._replace(ports=(*bindings, binding))

    def with_exposed_ports(self, *ports: PortLike) -> Self:
        spec = self
        for port in ports:
            spec = spec._with_binding(PortBinding(parse_port(port)), keep_existing=True)
        return spec

    def with_bind_ports(self, container_port: PortLike, host_port: int | None = None) -> Self:
        if host_port is not None and (
            isinstance(host_port, bool)
            or not isinstance(host_port, int)
            or not 1 <= host_port <= 65535
        ):
            raise ConfigurationError(f"Host port {host_port!r} must be an int in 1-65535 or None.")
        binding = PortBinding(parse_port(container_port), host_port)
        return self._with_binding(binding, keep_existing=False)

    # -- process ----------------------------------------------------------------------------
    def with_env(self, key: str, value: str | int | float | bool) -> Self:
        if not isinstance(key, str) or not _ENV_NAME.fullmatch(key):
            raise ConfigurationError(f"Environment variable name {key!r} is not valid.")
        return self._replace(env=_frozen({**self.env, key: str(value)}))

    def with_envs(self, **env: str | int | float | bool) -> Self:
        spec = self
        for key, value in env.items():
            spec = spec.with_env(key, value)
        return spec

    def without_env(self, key: str) -> Self:
        return self._replace(env=_frozen({k: v for k, v in self.env.items() if k != key}))

    def with_command(self, command: str | Sequence[str]) -> Self:
        return self._replace(command=check_command(command, "command"))

    def with_entrypoint(self, entrypoint: str | Sequence[str]) -> Self:
        return self._replace(entrypoint=check_command(entrypoint, "entrypoint"))

    def with_labels(self, labels: Mapping[str, str]) -> Self:
        for key in labels:
            if not isinstance(key, str) or not key:
                raise ConfigurationError(f"Label name {key!r} must be a non-empty string.")
        return self._replace(
            labels=_frozen({**self.labels, **{k: str(v) for k, v in labels.items()}})
        )

    # -- file systems -------------------------------------------------------------------------
    def with_volume_mapping(
        self, host: str | os.PathLike[str], container: str, mode: str = "ro"
    ) -> Self:
        if not isinstance(mode, str) or not mode or not set(mode.split(",")) <= _VOLUME_MODES:
            raise ConfigurationError(f"Volume mode {mode!r} must be 'ro' or 'rw' (plus z/Z).")
        if not str(container).startswith("/"):
            raise ConfigurationError(f"Container path {container!r} must be absolute.")
        mount = VolumeMount(os.fspath(host), str(container), mode)
        kept = tuple(v for v in self.volumes if v.host != mount.host)
        return self._replace(volumes=(*kept, mount))

    def with_tmpfs(self, path: str, options: str = "") -> Self:
        if not isinstance(path, str) or not path.startswith("/"):
            raise ConfigurationError(f"tmpfs path {path!r} must be absolute.")
        return self._replace(tmpfs=_frozen({**self.tmpfs, path: options}))

    def with_copy(
        self, content: bytes | str | os.PathLike[str], path: str, mode: int = 0o644
    ) -> Self:
        archive_for(b"", path)  # validates the path now, not at start()
        if isinstance(content, bytes):
            copy = FileCopy(content, path, mode)
        else:
            source = Path(content)
            if not source.exists():
                raise ConfigurationError(f"Cannot copy {source}: it does not exist.")
            copy = FileCopy(source, path, mode)
        return self._replace(copies=(*self.copies, copy))

    # -- networks -------------------------------------------------------------------------------
    @property
    def network_names(self) -> list[str]:
        return [attachment.name for attachment in self.networks]

    def with_network(self, network: NetworkRef) -> Self:
        if not isinstance(network, NamedNetwork | str) or not network_name(network):
            raise ConfigurationError(f"with_network() needs a Network or a name, got {network!r}.")
        attachment = NetworkAttachment(network, self.pending_aliases)
        return self._replace(networks=(*self.networks, attachment), pending_aliases=())

    def with_network_aliases(self, *aliases: str, network: NetworkRef | None = None) -> Self:
        """Aliases on ``network``, else on the most recently added network, else on the next
        network to be added (testcontainers-python accepts them in either order)."""
        for alias in aliases:
            check_alias(alias)
        if network is None and not self.networks:
            added = tuple(dict.fromkeys((*self.pending_aliases, *aliases)))
            return self._replace(pending_aliases=added)
        index = len(self.networks) - 1 if network is None else self._network_index(network)
        attachments = list(self.networks)
        current = attachments[index]
        merged = tuple(dict.fromkeys((*current.aliases, *aliases)))
        attachments[index] = dataclasses.replace(current, aliases=merged)
        return self._replace(networks=tuple(attachments))

    def _network_index(self, network: NetworkRef) -> int:
        wanted = network_name(network)
        for index in range(len(self.networks) - 1, -1, -1):
            if self.networks[index].name == wanted:
                return index
        raise ConfigurationError(
            f"Network {wanted!r} is not attached to this container (attached: "
            f"{self.network_names}); call with_network(network) before giving it aliases there."
        )

    def network_aliases(self, network: NetworkRef | None = None) -> list[str]:
        wanted = None if network is None else network_name(network)
        aliases: list[str] = []
        for attachment in self.networks:
            if wanted is None or attachment.name == wanted:
                aliases.extend(a for a in attachment.aliases if a not in aliases)
        return aliases

    # -- the rest of docker-py's create() options --------------------------------------------
    def with_host_ports(self, *ports: int) -> Self:
        from ._host_ports import check_port

        added = [check_port(p) for p in ports]
        return self._replace(host_ports=tuple(dict.fromkeys((*self.host_ports, *added))))

    def with_options(self, **options: Any) -> Self:
        return self._replace(options=_frozen({**self.options, **options}))

    # -- what the engine is asked for ---------------------------------------------------------
    def check_complete(self) -> None:
        """Problems only visible once the whole spec is known (raised before anything exists)."""
        if self.pending_aliases:
            raise ConfigurationError(
                f"Network aliases {list(self.pending_aliases)} have no network: add one with "
                "with_network(network) (aliases name a container on a network)."
            )

    def create_options(
        self, image: str, labels: Mapping[str, str], publish_address: str
    ) -> dict[str, Any]:
        """docker-py ``containers.create()`` keyword arguments (the first network included)."""
        kwargs: dict[str, Any] = dict(self.options)
        ports = {str(b.port): (publish_address, b.host_port) for b in self.ports}
        kwargs["ports"] = {**kwargs.get("ports", {}), **ports}
        kwargs["environment"] = {**_as_env_dict(kwargs.get("environment")), **self.env}
        kwargs["labels"] = {**kwargs.get("labels", {}), **self.labels, **labels}
        if self.volumes:
            mapped = {v.host: {"bind": v.container, "mode": v.mode} for v in self.volumes}
            kwargs["volumes"] = {**kwargs.get("volumes", {}), **mapped}
        if self.tmpfs:
            kwargs["tmpfs"] = {**kwargs.get("tmpfs", {}), **self.tmpfs}
        if self.command is not None:
            kwargs["command"] = _argv(self.command)
        if self.entrypoint is not None:
            kwargs["entrypoint"] = _argv(self.entrypoint)
        if self.name:
            kwargs["name"] = self.name
        kwargs["image"] = image
        return kwargs

    def config_hash(self, image: str) -> str:
        """A stable hash of everything that makes two containers interchangeable."""
        canonical = {
            "image": image,
            "ports": sorted((str(b.port), b.host_port) for b in self.ports),
            "env": sorted(self.env.items()),
            "command": _argv(self.command) if self.command is not None else None,
            "entrypoint": _argv(self.entrypoint) if self.entrypoint is not None else None,
            "labels": sorted(self.labels.items()),
            "volumes": sorted((v.host, v.container, v.mode) for v in self.volumes),
            "tmpfs": sorted(self.tmpfs.items()),
            "networks": [(a.name, list(a.aliases)) for a in self.networks],
            "copies": [(c.path, c.mode, c.digest()) for c in self.copies],
            "options": repr(sorted(self.options.items())),
            "name": self.name,
        }
        text = json.dumps(canonical, sort_keys=True, default=str, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def _argv(command: Command) -> str | list[str]:
    return command if isinstance(command, str) else list(command)


def _as_env_dict(environment: object) -> dict[str, str]:
    """docker-py takes ``environment`` as a dict or as ``["K=V", ...]``."""
    if environment is None:
        return {}
    if isinstance(environment, Mapping):
        return {str(k): str(v) for k, v in environment.items()}
    if isinstance(environment, Iterable) and not isinstance(environment, str | bytes):
        result = {}
        for item in environment:
            key, _, value = str(item).partition("=")
            result[key] = value
        return result
    raise ConfigurationError(
        f"environment={environment!r} must be a dict or a list of 'KEY=value' strings; "
        "or use with_env(key, value)."
    )
