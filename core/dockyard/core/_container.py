"""DockerContainer: a fluent spec, a lifecycle, and access to the running container."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple, Self

import docker.constants
import docker.errors
from docker.models.containers import _create_container_args

from ._archive import archive_for, extract_archive
from ._client import DockerClient, create_client, docker_host_url
from ._config import Config, load_config, positive_seconds
from ._errors import (
    ConfigurationError,
    ContainerNotRunningError,
    ContainerNotStartedError,
    ContainerStartupError,
    DockyardError,
    PortNotExposedError,
    PortNotPublishedError,
    ReadinessAbort,
)
from ._host import RESOLVER, publish_address
from ._images import ImageName, ensure_image, resolve_image_name
from ._inspect import EXITED_STATES, POLL, TAIL_LINES, published_ports, status_of, tail_logs
from ._labels import LABEL_HASH, LABEL_REUSE, base_labels, session_labels
from ._lifecycle import Lifecycle
from ._logs import LogCallback, LogFollower
from ._network import Network
from ._ports import Port, PortLike, parse_port
from ._reaper import ensure_reaper
from ._reuse import config_hash, find_or_create, reuse_name
from ._session import session_id
from ._wait import WaitStrategy, WaitTarget

log = logging.getLogger("dockyard.core.container")

PORT_PUBLISH_TIMEOUT = 5.0
_VOLUME_MODES = frozenset({"ro", "rw", "z", "Z"})
# testcontainers-python constructor arguments that docker-py's create() spells differently.
_TESTCONTAINERS_PYTHON_HINTS = {
    "env": "with_env(key, value) / with_envs(KEY=value)",
    "docker_client_kw": "docker_client=docker.DockerClient(...)",
    "network_aliases": "with_network(network).with_network_aliases(...)",
}


class ExecResult(NamedTuple):
    """What ``exec`` returns: the exit code and the combined stdout/stderr output."""

    exit_code: int
    output: bytes


def _command(value: str | Sequence[str], what: str) -> str | list[str]:
    if isinstance(value, str):
        if not value.strip():
            raise ConfigurationError(f"The {what} must not be empty.")
        return value
    items = list(value)
    if not items or not all(isinstance(v, str) for v in items):
        raise ConfigurationError(f"The {what} must be a string or a non-empty list of strings.")
    return items


def validate_run_kwargs(kwargs: dict[str, Any], api_version: str | None = None) -> None:
    """Raise ConfigurationError unless docker-py's ``containers.create`` accepts ``kwargs``.

    Runs docker-py's own argument conversion (no engine call), so an unknown or malformed
    option fails before the reaper, networks or the container exist.
    """
    ports = kwargs.get("ports")
    if ports is not None and not isinstance(ports, dict):
        raise ConfigurationError(
            f"ports={ports!r} is not docker-py's ports mapping. To publish ports use "
            "with_exposed_ports(6379) (random host port) or with_bind_ports(6379, 16379); "
            "testcontainers-python's ports=[...] argument is with_exposed_ports(...) here."
        )
    volumes = kwargs.get("volumes")
    if isinstance(volumes, list | tuple) and any(isinstance(v, tuple) for v in volumes):
        raise ConfigurationError(
            f"volumes={volumes!r}: use with_volume_mapping(host, container, mode) for each "
            "(testcontainers-python's volumes=[(host, container, mode)])."
        )
    for key, hint in _TESTCONTAINERS_PYTHON_HINTS.items():
        if key in kwargs:
            raise ConfigurationError(
                f"{key}= is not a docker-py create() argument; use {hint} instead."
            )
    probe = {
        **kwargs,
        "image": "validation",
        "version": api_version or docker.constants.DEFAULT_DOCKER_API_VERSION,
    }
    try:
        _create_container_args(probe)
    except (TypeError, ValueError, docker.errors.DockerException) as exc:
        raise ConfigurationError(
            f"Invalid container options: {exc}. Extra keyword arguments of DockerContainer "
            "(and with_kwargs) go to docker-py's containers.create(); check their names and "
            "values, or use the with_*() builder methods."
        ) from exc


class DockerContainer(Lifecycle):
    """A throwaway container: configure with ``with_*``, then ``start()`` or ``with``.

    Extra keyword arguments go to docker-py's ``containers.create`` unchanged.
    """

    def __init__(
        self, image: str, *, docker_client: DockerClient | None = None, **docker_run_kwargs: Any
    ) -> None:
        ImageName.parse(image)
        validate_run_kwargs(docker_run_kwargs)
        self.image = image
        self._client = docker_client
        self._kwargs: dict[str, Any] = dict(docker_run_kwargs)
        self._ports: dict[Port, int | None] = {}
        self._env: dict[str, str] = {}
        self._command: str | list[str] | None = None
        self._entrypoint: str | list[str] | None = None
        self._name: str | None = None
        self._labels: dict[str, str] = {}
        self._volumes: dict[str, dict[str, str]] = {}
        self._tmpfs: dict[str, str] = {}
        self._networks: list[tuple[Network | str, list[str]]] = []
        self._copies: list[tuple[bytes | str | Path, str, int]] = []
        self._wait: WaitStrategy | None = None
        self._startup_timeout: float | None = None
        self._reuse = False
        # Runtime state.
        self._container: Any = None
        self._reused = False
        self._resolved_image: str | None = None
        self._port_cache: dict[Port, int] = {}
        self._followers: list[LogFollower] = []
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ builder
    def with_exposed_ports(self, *ports: PortLike) -> Self:
        for port in ports:
            self._ports.setdefault(parse_port(port), None)
        return self

    def with_bind_ports(self, container_port: PortLike, host_port: int | None = None) -> Self:
        if host_port is not None and (
            isinstance(host_port, bool)
            or not isinstance(host_port, int)
            or not 1 <= host_port <= 65535
        ):
            raise ConfigurationError(f"Host port {host_port!r} must be an int in 1-65535 or None.")
        self._ports[parse_port(container_port)] = host_port
        return self

    def with_env(self, key: str, value: str | int | float | bool) -> Self:
        if not key or "=" in key:
            raise ConfigurationError(f"Environment variable name {key!r} is not valid.")
        self._env[key] = str(value)
        return self

    def with_envs(self, **env: str | int | float | bool) -> Self:
        for key, value in env.items():
            self.with_env(key, value)
        return self

    def with_command(self, command: str | Sequence[str]) -> Self:
        self._command = _command(command, "command")
        return self

    def with_entrypoint(self, entrypoint: str | Sequence[str]) -> Self:
        self._entrypoint = _command(entrypoint, "entrypoint")
        return self

    def with_name(self, name: str) -> Self:
        if not name or not name[0].isalnum():
            raise ConfigurationError(f"Container name {name!r} must start with a letter or digit.")
        self._name = name
        return self

    def with_label(self, key: str, value: str) -> Self:
        self._labels[key] = str(value)
        return self

    def with_labels(self, labels: dict[str, str]) -> Self:
        for key, value in labels.items():
            self.with_label(key, value)
        return self

    def with_volume_mapping(self, host: str | Path, container: str, mode: str = "ro") -> Self:
        if not mode or not set(mode.split(",")) <= _VOLUME_MODES:
            raise ConfigurationError(f"Volume mode {mode!r} must be 'ro' or 'rw' (plus z/Z).")
        if not str(container).startswith("/"):
            raise ConfigurationError(f"Container path {container!r} must be absolute.")
        self._volumes[str(host)] = {"bind": container, "mode": mode}
        return self

    def with_tmpfs(self, path: str, options: str = "") -> Self:
        if not path.startswith("/"):
            raise ConfigurationError(f"tmpfs path {path!r} must be absolute.")
        self._tmpfs[path] = options
        return self

    def with_tmpfs_mount(self, container_path: str, size: str | None = None) -> Self:
        """testcontainers-python's spelling: a tmpfs at ``container_path``, ``size`` like "64m"."""
        return self.with_tmpfs(container_path, f"size={size}" if size else "")

    def with_network(self, network: Network | str) -> Self:
        if not isinstance(network, Network | str) or not _network_name(network):
            raise ConfigurationError(f"with_network() needs a Network or a name, got {network!r}.")
        self._networks.append((network, []))
        return self

    def with_network_aliases(self, *aliases: str, network: Network | str | None = None) -> Self:
        """Names peers use for this container on `network` (default: the last one added)."""
        if not self._networks:
            raise ConfigurationError(
                "with_network_aliases() needs a network: call with_network(network) first."
            )
        for alias in aliases:
            if not alias or not alias[0].isalnum():
                raise ConfigurationError(f"Network alias {alias!r} is not a valid host name.")
        names = self._networks[-1][1] if network is None else self._aliases_on(network)
        names.extend(a for a in aliases if a not in names)
        return self

    def _aliases_on(self, network: Network | str) -> list[str]:
        wanted = _network_name(network)
        for net, names in reversed(self._networks):
            if _network_name(net) == wanted:
                return names
        attached = [_network_name(net) for net, _ in self._networks]
        raise ConfigurationError(
            f"Network {wanted!r} is not attached to this container (attached: {attached}); "
            "call with_network(network) before giving it aliases there."
        )

    @property
    def networks(self) -> list[str]:
        """Names of the networks this container joins, in the order they were added."""
        return [_network_name(net) for net, _ in self._networks]

    def waiting_for(self, strategy: WaitStrategy) -> Self:
        if not isinstance(strategy, WaitStrategy):
            raise ConfigurationError(f"waiting_for() needs a WaitStrategy, got {strategy!r}.")
        self._wait = strategy
        return self

    def with_startup_timeout(self, seconds: float) -> Self:
        self._startup_timeout = positive_seconds("startup timeout", seconds)
        return self

    def with_reuse(self, reuse: bool = True) -> Self:
        self._reuse = bool(reuse)
        return self

    def with_copy_to_container(
        self, content: bytes | str | Path, container_path: str, mode: int = 0o644
    ) -> Self:
        archive_for(b"", container_path)  # validates the path now, not at start()
        if not isinstance(content, bytes) and not Path(content).exists():
            raise ConfigurationError(f"Cannot copy {content}: it does not exist.")
        self._copies.append((content, container_path, mode))
        return self

    with_copy_into_container = with_copy_to_container  # testcontainers-python's name

    def with_kwargs(self, **docker_run_kwargs: Any) -> Self:
        validate_run_kwargs({**self._kwargs, **docker_run_kwargs})
        self._kwargs.update(docker_run_kwargs)
        return self

    # ------------------------------------------------------------ module hooks
    def _configure(self) -> None:
        """Hook: fill env, command and ports from a module's settings before creation."""

    def _on_started(self) -> None:
        """Hook: runs after start, once ports are mapped, before the readiness wait."""

    def _default_wait_strategy(self) -> WaitStrategy | None:
        """Hook: the readiness check used when the user configured none."""
        return None

    # --------------------------------------------------------------- lifecycle
    @property
    def started(self) -> bool:
        return self._container is not None

    @property
    def reused(self) -> bool:
        return self._reused

    def start(self) -> Self:
        with self._lock:
            if self._container is not None:
                return self
            self._configure()
            config = load_config()
            timeout = self._startup_timeout or config.startup_timeout
            client = self._client = self._client or create_client(config)
            # Resolve the image first: a missing image must fail before anything exists.
            image = self._resolved_image = resolve_image_name(self.image, config)
            ensure_image(client, image, config.pull_policy, self.image)
            reuse = self._reuse and config.reuse_enabled
            if self._reuse and not reuse:
                log.warning(
                    "with_reuse() ignored: set TESTCONTAINERS_REUSE_ENABLE=true "
                    "(or testcontainers.reuse.enable=true) to allow reuse"
                )
            # The complete options (a module's _configure() included) must be valid before
            # the reaper, a network or the container exists.
            validate_run_kwargs(
                self._create_kwargs(client, config, self._name, {}), client.api._version
            )
            created_networks: list[Network] = []
            try:
                if not reuse:
                    ensure_reaper(client, config)
                for network, _ in self._networks:
                    if isinstance(network, Network) and network._create_if_needed():
                        created_networks.append(network)
                started_at = time.monotonic()
                if reuse:
                    self._start_reused(client, config, image, timeout)
                else:
                    self._container = self._create(
                        client, config, image, self._name, session_labels(session_id()), False
                    )
                    self._boot()
                remaining = max(1.0, timeout - (time.monotonic() - started_at))
                try:
                    self._after_start(remaining)
                except BaseException:
                    self._discard()
                    raise
            except BaseException:
                # Networks this start() created go with it (one still used by a sibling
                # container stays; the reaper removes it at the end of the session).
                for network in created_networks:
                    network._remove_quietly()
                raise
            return self

    def _create_kwargs(
        self, client: DockerClient, config: Config, name: str | None, labels: dict[str, str]
    ) -> dict[str, Any]:
        kwargs = dict(self._kwargs)
        bind_ip = publish_address(client, docker_host_url(client, config), config.host_override)
        ports = {str(p): (bind_ip, host) for p, host in self._ports.items()}
        kwargs["ports"] = {**kwargs.get("ports", {}), **ports}
        kwargs["environment"] = {**kwargs.get("environment", {}), **self._env}
        kwargs["labels"] = {**kwargs.get("labels", {}), **self._labels, **labels}
        if self._volumes:
            kwargs["volumes"] = {**kwargs.get("volumes", {}), **self._volumes}
        if self._tmpfs:
            kwargs["tmpfs"] = {**kwargs.get("tmpfs", {}), **self._tmpfs}
        if self._command is not None:
            kwargs["command"] = self._command
        if self._entrypoint is not None:
            kwargs["entrypoint"] = self._entrypoint
        if name:
            kwargs["name"] = name
        if self._networks:
            first, aliases = self._networks[0]
            net_name = _network_name(first)
            kwargs["network"] = net_name
            kwargs["networking_config"] = {
                net_name: client.api.create_endpoint_config(aliases=list(aliases) or None)
            }
        kwargs["detach"] = True
        return kwargs

    def _create(
        self,
        client: DockerClient,
        config: Config,
        image: str,
        name: str | None,
        labels: dict[str, str],
        reuse: bool,
    ) -> Any:
        kwargs = self._create_kwargs(client, config, name, labels)
        try:
            container = client.containers.create(image, **kwargs)
        except docker.errors.APIError as exc:
            if exc.status_code == 409 and reuse:
                raise  # reuse: someone else is creating the same container; _reuse waits
            if exc.status_code == 409:
                raise ContainerStartupError(
                    f"A container named {name!r} already exists: {exc.explanation or exc}. "
                    "Pick another with_name() or remove the old one with `docker rm -f`"
                ) from exc
            raise ContainerStartupError(
                f"Docker refused to create a container from {image}: {exc.explanation or exc}. "
                "Check the container's options"
            ) from exc
        step = ""
        try:
            # docker create attaches one network; the others are connected before start.
            for network, aliases in self._networks[1:]:
                net_name = _network_name(network)
                step = f"connect it to network {net_name!r}"
                client.api.connect_container_to_network(
                    container.id, net_name, aliases=list(aliases) or None
                )
            for content, path, mode in self._copies:
                step = f"copy {path} into it"
                container.put_archive("/", archive_for(content, path, mode))
        except BaseException as exc:
            with contextlib.suppress(docker.errors.NotFound):
                container.remove(force=True, v=True)
            if isinstance(exc, docker.errors.APIError):
                raise ContainerStartupError(
                    f"Created a container from {image} but could not {step}: "
                    f"{exc.explanation or exc}. Check that the network exists (pass a "
                    "Network to with_network() to have it created) and the paths are valid"
                ) from exc
            raise
        return container

    def _boot(self) -> None:
        try:
            self._container.start()
        except docker.errors.APIError as exc:
            logs = self._tail_logs()
            self._discard()
            raise ContainerStartupError(
                f"Container from {self._resolved_image} failed to start: "
                f"{exc.explanation or exc}. Check the command and entrypoint",
                logs=logs,
            ) from exc

    def _reuse_spec(self, image: str) -> dict[str, Any]:
        return {
            "image": image,
            "ports": sorted((str(p), h) for p, h in self._ports.items()),
            "env": self._env,
            "command": self._command,
            "entrypoint": self._entrypoint,
            "labels": self._labels,
            "volumes": self._volumes,
            "tmpfs": self._tmpfs,
            "networks": [(_network_name(n), a) for n, a in self._networks],
            "copies": [(repr(c)[:200], p, m) for c, p, m in self._copies],
            "kwargs": repr(sorted(self._kwargs.items())),
            "name": self._name,
        }

    def _start_reused(
        self, client: DockerClient, config: Config, image: str, timeout: float
    ) -> None:
        digest = config_hash(self._reuse_spec(image))
        name = self._name or reuse_name(digest)
        labels = {**base_labels(), LABEL_HASH: digest, LABEL_REUSE: "true"}

        def create() -> Any:
            return self._create(client, config, image, name, labels, True)

        container, created = find_or_create(client, digest, name, create, timeout)
        self._container = container
        self._reused = True
        if created:
            self._boot()

    def _after_start(self, timeout: float) -> None:
        self._container.reload()
        self._raise_if_exited()
        for port in self._ports:
            self.mapped_port(port)  # waits (bounded) until every port is published
        self._on_started()
        strategy = self._wait or self._default_wait_strategy()
        if strategy is None:
            return
        try:
            strategy.wait_until_ready(WaitTarget(self, timeout))
        except ReadinessAbort as exc:
            logs = self._tail_logs()
            raise ReadinessAbort(
                f"{exc}\n--- last log lines of {self.describe()} ---\n{logs}\n--- end of logs ---"
            ) from exc

    def _discard(self) -> None:
        """Remove a container that failed to start (a reused one is left to its owner)."""
        container, self._container = self._container, None
        self._port_cache.clear()
        if container is None or self._reused:
            self._reused = False
            return
        with contextlib.suppress(docker.errors.NotFound):
            container.remove(force=True, v=True)

    def stop(self) -> None:
        """Remove the container and its anonymous volumes; a reused one keeps running."""
        with self._lock:
            for follower in self._followers:
                follower.stop(timeout=1.0)
            self._followers.clear()
            self._discard()

    def _bring_up(self) -> Self:
        return self.start()

    def _tear_down(self) -> None:
        self.stop()

    # ------------------------------------------------------------------ access
    def _require_started(self) -> Any:
        if self._container is None:
            raise ContainerNotStartedError(
                f"Container {self.image} is not started; call start() (or use `with`) first."
            )
        return self._container

    @property
    def id(self) -> str:
        return str(self._require_started().id)

    @property
    def name(self) -> str:
        if self._container is None:
            return self._name or ""
        return str(self._container.name).lstrip("/")

    def describe(self) -> str:
        short = str(self._container.id)[:12] if self._container is not None else "not started"
        return f"{self._resolved_image or self.image} ({short})"

    def get_wrapped_container(self) -> Any:
        """The docker-py ``Container`` object."""
        return self._require_started()

    def get_docker_client(self) -> DockerClient:
        self._client = self._client or create_client()
        return self._client

    def exposed_ports(self) -> list[Port]:
        return list(self._ports)

    def mapped_port(self, port: PortLike) -> int:
        """The host port published for a container port (waits briefly for the engine).

        Only valid while the container runs: a container that exited or was removed raises
        ContainerNotRunningError rather than handing out a stale port.
        """
        return self._mapped_port(port, check_running=True)

    def _mapped_port(self, port: PortLike, *, check_running: bool) -> int:
        container = self._require_started()
        spec = parse_port(port)
        if spec not in self._ports:
            raise PortNotExposedError(str(spec), [str(p) for p in self._ports])
        if spec in self._port_cache:
            if check_running:
                self._require_running(container)
            return self._port_cache[spec]
        deadline = time.monotonic() + PORT_PUBLISH_TIMEOUT
        while True:
            published = published_ports(container.attrs, str(spec))
            if published:
                self._port_cache[spec] = published[0]
                return self._port_cache[spec]
            if time.monotonic() >= deadline:
                raise PortNotPublishedError(
                    f"Port {spec} of {self.describe()} has no published host port after "
                    f"{PORT_PUBLISH_TIMEOUT:g}s (container state: {status_of(container)}). Is "
                    "the container running with network_mode=host or none?"
                )
            time.sleep(POLL)
            # Re-inspects; a container that exited has no ports to wait for: say why.
            self._raise_if_exited()

    get_exposed_port = mapped_port

    def host(self) -> str:
        """The address the test process uses to reach this container's published ports."""
        self._require_started()
        config = load_config()
        client = self.get_docker_client()

        def probe_port() -> int | None:
            tcp = [p for p in self._ports if p.protocol == "tcp"]
            return self.mapped_port(tcp[0]) if tcp else None

        return RESOLVER.resolve(
            client, docker_host_url(client, config), config.host_override, probe_port
        )

    get_container_host_ip = host

    def network_aliases(self, network: Network | str | None = None) -> list[str]:
        """Aliases on `network`, or on every network this container joins (first added first)."""
        wanted = None if network is None else _network_name(network)
        aliases: list[str] = []
        for net, names in self._networks:
            if wanted is None or _network_name(net) == wanted:
                aliases.extend(a for a in names if a not in aliases)
        return aliases

    def network_alias(self) -> str:
        """The name peers use for this container by default: its first network alias."""
        aliases = self.network_aliases()
        if not aliases:
            raise ConfigurationError(
                f"This {type(self).__name__} has no network alias: add one with "
                "with_network(network).with_network_aliases('name') before start(), or pass "
                "the alias explicitly."
            )
        return aliases[0]

    def exec(self, command: str | Sequence[str]) -> ExecResult:
        container = self._require_started()
        result = container.exec_run(_command(command, "command"))
        return ExecResult(int(result.exit_code or 0), bytes(result.output or b""))

    def get_logs(self) -> tuple[bytes, bytes]:
        container = self._require_started()
        return (
            bytes(container.logs(stdout=True, stderr=False)),
            bytes(container.logs(stdout=False, stderr=True)),
        )

    def follow_logs(
        self, callback: LogCallback, *, stdout: bool = True, stderr: bool = True
    ) -> LogFollower:
        """Feed log lines to ``callback`` from a background thread until the container stops."""
        follower = LogFollower(self._require_started(), callback, stdout=stdout, stderr=stderr)
        self._followers.append(follower)
        return follower

    def copy_to_container(
        self, content: bytes | str | Path, container_path: str, mode: int = 0o644
    ) -> None:
        """Copy bytes, a host file or a host directory to ``container_path``."""
        container = self._require_started()
        if not container.put_archive("/", archive_for(content, container_path, mode)):
            raise DockyardError(f"Copying to {container_path} in {self.describe()} failed.")

    copy_into_container = copy_to_container  # testcontainers-python's name

    def copy_from_container(self, container_path: str, host_path: str | Path) -> Path:
        """Copy a file or directory out of the container; returns the host path written."""
        container = self._require_started()
        try:
            chunks, _ = container.get_archive(container_path)
        except docker.errors.NotFound:
            raise DockyardError(
                f"{container_path} does not exist in {self.describe()}; check the path."
            ) from None
        return extract_archive(chunks, container_path, host_path)

    # ------------------------------------------------------------ diagnostics
    def _tail_logs(self, lines: int = TAIL_LINES) -> str:
        return tail_logs(self._container, lines)

    def _require_running(self, container: Any) -> None:
        """Mapped ports exist only while the container runs; say so instead of a stale port."""
        try:
            container.reload()
        except docker.errors.NotFound:
            raise ContainerNotRunningError(
                f"Container {self.describe()} no longer exists (removed outside Dockyard), so "
                "it has no mapped ports; start a new container"
            ) from None
        status = status_of(container)
        if status != "running":
            state = container.attrs.get("State", {})
            raise ContainerNotRunningError(
                f"Container {self.describe()} is not running (status {status}, exit code "
                f"{state.get('ExitCode')}), so its mapped ports are gone; check its logs with "
                "get_logs() and start a new container"
            )

    def _raise_if_exited(self) -> None:
        """Fail at once, with exit code and logs, if the container stopped while starting."""
        container = self._require_started()
        try:
            container.reload()
        except docker.errors.NotFound:
            raise ContainerStartupError(
                f"Container {self.describe()} disappeared while starting (removed by someone "
                "else, or auto_remove after it exited)"
            ) from None
        state = container.attrs.get("State", {})
        if state.get("OOMKilled"):
            raise ContainerStartupError(
                f"Container {self.describe()} was OOM-killed while starting; give it more "
                "memory (mem_limit) or make it use less",
                exit_code=state.get("ExitCode"),
                logs=self._tail_logs(),
                container_id=str(container.id),
            )
        if status_of(container) in EXITED_STATES:
            raise ContainerStartupError(
                f"Container {self.describe()} exited while starting; see its logs below",
                exit_code=state.get("ExitCode"),
                logs=self._tail_logs(),
                container_id=str(container.id),
            )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(image={self.image!r}, started={self.started})"


def _network_name(network: Network | str) -> str:
    return network.name if isinstance(network, Network) else network
