"""DockerContainer: the public front — a builder of a spec, start/stop, and the handle's methods.

The builder methods only produce a new ``ContainerSpec``; ``start()`` hands the spec to
``Startup`` and keeps the ``RunningContainer`` it returns; the access methods delegate to
that handle. Subclasses (modules, users' own containers) customise through the hooks of
``_hooks.HOOKS``, checked when the subclass is defined.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar, Self

from ._compat_client import DockerClient
from ._compat_container import TestcontainersMethods
from ._config import Config, SharingMode, positive_seconds
from ._engine import make_client, validate_create_options
from ._errors import ConfigurationError, ContainerNotStartedError
from ._exec import ExecConfig, ExecResult
from ._hooks import check_hooks
from ._lifecycle import Lifecycle
from ._logs import LogCallback, LogFollower
from ._ports import Port, PortLike
from ._running import RunningContainer
from ._session import current_session
from ._spec import ContainerSpec, NetworkRef, TransferSpec
from ._startup import Mode, Startup
from ._wait import WaitStrategy

log = logging.getLogger("dockyard.core.container")


class DockerContainer(TestcontainersMethods, Lifecycle):
    """A throwaway container: configure with ``with_*``, then ``start()`` or ``with``.

    The constructor takes testcontainers-python's arguments; extra keyword arguments go to
    docker-py's ``containers.create`` unchanged. ``docker_client`` is a docker-py client to
    use instead of the environment's.
    """

    #: Shared without asking when DOCKYARD_SHARING=services (module containers are).
    shared_under_services: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        check_hooks(cls)

    def __init__(
        self,
        image: str,
        docker_client_kw: dict[str, Any] | None = None,
        command: str | Sequence[str] | None = None,
        env: dict[str, str] | None = None,
        name: str | None = None,
        ports: Sequence[PortLike] | None = None,
        volumes: Sequence[tuple[str, str] | tuple[str, str, str]] | None = None,
        network: NetworkRef | None = None,
        network_aliases: Sequence[str] | None = None,
        _wait_strategy: WaitStrategy | None = None,
        transferables: Sequence[TransferSpec] | None = None,
        *,
        docker_client: Any = None,
        **docker_run_kwargs: Any,
    ) -> None:
        validate_create_options(docker_run_kwargs)
        self._spec = ContainerSpec.of(image).with_options(**docker_run_kwargs)
        if docker_client is None and docker_client_kw:
            docker_client = make_client(**docker_client_kw)
        self._docker_client = docker_client
        self._wait: WaitStrategy | None = None
        self._startup_timeout: float | None = None
        self._reuse = False
        self._share: bool | None = None
        self._shared_digest: str | None = None
        self._running: RunningContainer | None = None
        self._reused = False
        self._followers: list[LogFollower] = []
        self._log_consumers: list[tuple[LogCallback, bool, bool]] = []
        self._lock = threading.RLock()
        self._apply_testcontainers_arguments(
            command,
            env,
            name,
            ports,
            volumes,
            network,
            network_aliases,
            _wait_strategy,
            transferables,
        )

    def _apply_testcontainers_arguments(
        self,
        command: str | Sequence[str] | None,
        env: dict[str, str] | None,
        name: str | None,
        ports: Sequence[PortLike] | None,
        volumes: Sequence[tuple[str, str] | tuple[str, str, str]] | None,
        network: NetworkRef | None,
        network_aliases: Sequence[str] | None,
        wait_strategy: WaitStrategy | None,
        transferables: Sequence[TransferSpec] | None,
    ) -> None:
        if command is not None:
            self.with_command(command)
        for key, value in (env or {}).items():
            self.with_env(key, value)
        if name is not None:
            self.with_name(name)
        self.with_exposed_ports(*(ports or ()))
        for volume in volumes or ():
            if not isinstance(volume, tuple | list) or len(volume) not in (2, 3):
                raise ConfigurationError(
                    f"volumes=[...] takes (host, container) or (host, container, mode) tuples, "
                    f"got {volume!r}."
                )
            self.with_volume_mapping(*volume)
        if network is not None:
            self.with_network(network)
        if network_aliases:
            self.with_network_aliases(*network_aliases)
        if wait_strategy is not None:
            self.waiting_for(wait_strategy)
        for transfer in transferables or ():
            self.with_copy_to_container(*transfer)

    # ------------------------------------------------------------------ the spec
    @property
    def spec(self) -> ContainerSpec:
        """What the builder calls configured (before a module's hooks)."""
        return self._spec

    @property
    def image(self) -> str:
        return self._spec.image

    @image.setter
    def image(self, image: str) -> None:
        self._spec = self._spec.with_image(image)

    def _set(self, spec: ContainerSpec) -> Self:
        self._spec = spec
        return self

    def with_exposed_ports(self, *ports: PortLike) -> Self:
        return self._set(self._spec.with_exposed_ports(*ports))

    def with_bind_ports(self, container_port: PortLike, host_port: int | str | None = None) -> Self:
        """Publish ``container_port`` on ``host_port``: an int, a numeric string (with an
        optional ``/protocol``, as testcontainers-python takes it), or None/"" for a random one."""
        if isinstance(host_port, str):
            number, _, protocol = host_port.strip().partition("/")
            if protocol and "/" not in str(container_port):
                container_port = f"{container_port}/{protocol}"
            elif protocol and not str(container_port).endswith("/" + protocol):
                raise ConfigurationError(
                    f"with_bind_ports({container_port!r}, {host_port!r}): the protocols differ."
                )
            if number and not number.isdigit():
                raise ConfigurationError(
                    f"Host port {host_port!r} is not a port number; use e.g. 8080 or '8080'."
                )
            host_port = int(number) if number else None
        return self._set(self._spec.with_bind_ports(container_port, host_port))

    def with_env(self, key: str, value: str | int | float | bool) -> Self:
        return self._set(self._spec.with_env(key, value))

    def with_envs(self, **env: str | int | float | bool) -> Self:
        for key, value in env.items():
            self.with_env(key, value)  # through with_env, which modules may refine
        return self

    def with_command(self, command: str | Sequence[str]) -> Self:
        return self._set(self._spec.with_command(command))

    def with_entrypoint(self, entrypoint: str | Sequence[str]) -> Self:
        return self._set(self._spec.with_entrypoint(entrypoint))

    def with_name(self, name: str) -> Self:
        return self._set(self._spec.with_name(name))

    def with_label(self, key: str, value: str) -> Self:
        return self._set(self._spec.with_labels({key: value}))

    def with_labels(self, labels: dict[str, str]) -> Self:
        return self._set(self._spec.with_labels(labels))

    def with_volume_mapping(
        self, host: str | os.PathLike[str], container: str, mode: str = "ro"
    ) -> Self:
        return self._set(self._spec.with_volume_mapping(host, container, mode))

    def with_tmpfs(self, path: str, options: str = "") -> Self:
        return self._set(self._spec.with_tmpfs(path, options))

    def with_tmpfs_mount(self, container_path: str, size: str | None = None) -> Self:
        """testcontainers-python's spelling: a tmpfs at ``container_path``, ``size`` like "64m"."""
        return self.with_tmpfs(container_path, f"size={size}" if size else "")

    def with_network(self, network: NetworkRef) -> Self:
        return self._set(self._spec.with_network(network))

    def with_network_aliases(self, *aliases: str, network: NetworkRef | None = None) -> Self:
        """Names peers use for this container on ``network`` (default: the last one added;
        before any network: the next one added)."""
        return self._set(self._spec.with_network_aliases(*aliases, network=network))

    def with_access_to_host_ports(self, *ports: int) -> Self:
        """Reach ``localhost:PORT`` of the test process from this container as
        ``host.testcontainers.internal:PORT`` (see ``expose_host_ports``)."""
        if not ports:
            raise ConfigurationError(
                "with_access_to_host_ports() needs at least one port, e.g. 8080."
            )
        return self._set(self._spec.with_host_ports(*ports))

    @property
    def networks(self) -> list[str]:
        """Names of the networks this container joins, in the order they were added."""
        return self._spec.network_names

    def with_log_consumer(
        self,
        consumer: Callable[[str], object] | logging.Logger,
        *,
        stdout: bool = True,
        stderr: bool = True,
        level: int = logging.INFO,
    ) -> Self:
        """Forward the container's output, line by line from its first, to ``consumer``: a
        function of the line (text), or a ``logging.Logger`` (at ``level``)."""
        if isinstance(consumer, logging.Logger):
            target = consumer

            def forward(line: bytes) -> None:
                target.log(level, "%s", line.decode(errors="replace"))

        elif callable(consumer):
            call = consumer

            def forward(line: bytes) -> None:
                call(line.decode(errors="replace"))

        else:
            raise ConfigurationError(
                f"with_log_consumer() needs a function of one line or a logging.Logger, "
                f"got {consumer!r}."
            )
        self._log_consumers.append((forward, stdout, stderr))
        return self

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

    def with_sharing(self, share: bool = True) -> Self:
        """Use one container of this configuration for every process on the engine.

        It lives while any process holds it, and is removed a grace period (10 s,
        DOCKYARD_SHARING_GRACE) after the last one stopped or died. DOCKYARD_SHARING=off
        turns sharing off everywhere; ``with_sharing(False)`` opts one container out of
        DOCKYARD_SHARING=services.
        """
        self._share = bool(share)
        return self

    def with_copy_to_container(
        self, content: bytes | str | Path, container_path: str, mode: int = 0o644
    ) -> Self:
        return self._set(self._spec.with_copy(content, container_path, mode))

    with_copy_into_container = with_copy_to_container  # testcontainers-python's name

    def with_kwargs(self, **docker_run_kwargs: Any) -> Self:
        validate_create_options({**self._spec.options, **docker_run_kwargs})
        return self._set(self._spec.with_options(**docker_run_kwargs))

    # ------------------------------------------------------------ module hooks
    def _configure(self) -> None:
        """Hook: change this container with its builder methods before it is created.

        Runs on a working copy: what it sets applies to this start only, so start → stop →
        start creates the same container.
        """

    def _configure_spec(self, spec: ContainerSpec) -> ContainerSpec:
        """Hook: return the spec to create, given the configured one (pure; once per start)."""
        return spec

    def _on_started(self, container: RunningContainer) -> None:
        """Hook: runs after start, once ports are mapped, before the readiness wait."""

    def _default_wait_strategy(self) -> WaitStrategy | None:
        """Hook: the readiness check used when the user configured none."""
        return None

    def _on_ready(self, container: RunningContainer) -> None:
        """Hook: runs once the container is ready (a failure here fails the start).

        ``container.created`` tells the process that created a shared or reused container
        from those that found it running.
        """

    def resolved_spec(self) -> ContainerSpec:
        """The spec start() would create now: the builder's, with every hook applied."""
        configured = self._spec
        try:
            self._configure()
            working = self._spec
        finally:
            self._spec = configured
        return self._configure_spec(working)

    # --------------------------------------------------------------- lifecycle
    @property
    def started(self) -> bool:
        return self._running is not None

    @property
    def reused(self) -> bool:
        return self._reused

    def start(self) -> Self:
        with self._lock:
            if self._running is not None:
                return self
            session = current_session(self._docker_client)
            config = session.config
            mode = self._mode(config)
            startup = Startup(
                session,
                self.resolved_spec(),
                timeout=self._startup_timeout or config.startup_timeout,
                owner=self,
                mode=mode,
                on_started=self._started,
                on_ready=self._on_ready,
                wait_strategy=lambda: self._wait or self._default_wait_strategy(),
            )
            try:
                self._running = startup.run()
            except BaseException:
                self._running = None
                raise
            self._reused = startup.reused
            self._shared_digest = startup.digest if mode == "shared" else None
            return self

    def _mode(self, config: Config) -> Mode:
        sharing = config.sharing
        share = (
            self._share
            if self._share is not None
            else (sharing is SharingMode.SERVICES and self.shared_under_services)
        )
        share = share and sharing is not SharingMode.OFF
        if share and self._reuse:
            raise ConfigurationError(
                "with_reuse() and with_sharing() exclude each other: reuse keeps one container "
                "across runs, sharing one across the processes of a run. Choose one."
            )
        if share:
            return "shared"
        reuse = self._reuse and config.reuse_enabled
        if self._reuse and not reuse:
            log.warning(
                "with_reuse() ignored: set TESTCONTAINERS_REUSE_ENABLE=true "
                "(or testcontainers.reuse.enable=true) to allow reuse"
            )
        return "reuse" if reuse else "plain"

    @property
    def shared(self) -> bool:
        """True while this object holds a shared container."""
        return self._shared_digest is not None

    def _started(self, running: RunningContainer) -> None:
        self._running = running  # the hooks and the readiness check use the front's methods
        for forward, stdout, stderr in self._log_consumers:
            self._followers.append(running.follow(forward, stdout=stdout, stderr=stderr))
        self._on_started(running)

    def stop(self, force: bool = True, delete_volume: bool = True) -> None:
        """Remove the container and (unless ``delete_volume=False``) its anonymous volumes;
        without ``force`` it is stopped first, gracefully. A reused or shared one keeps
        running."""
        with self._lock:
            for follower in self._followers:
                follower.stop()
            self._followers.clear()
            running, self._running = self._running, None
            if running is None:
                return
            if self._reused or self._shared_digest is not None:
                running.detach()  # someone else's, or everyone's: never removed here
            else:
                running.remove(graceful=not force, volumes=delete_volume)
            if self._shared_digest is not None:
                running.session.leases.release(self._shared_digest)
                self._shared_digest = None
            self._reused = False

    def _bring_up(self) -> Self:
        return self.start()

    def _tear_down(self) -> None:
        self.stop()

    # ------------------------------------------------------------------ access
    @property
    def running(self) -> RunningContainer:
        """The handle on the started container (ContainerNotStartedError before start)."""
        if self._running is None:
            raise ContainerNotStartedError(
                f"Container {self.image} is not started; call start() (or use `with`) first."
            )
        return self._running

    @property
    def id(self) -> str:
        return self.running.id

    @property
    def name(self) -> str:
        if self._running is None:
            return self._spec.name or ""
        return self._running.name

    def describe(self) -> str:
        if self._running is None:
            return f"{self.image} (not started)"
        return self._running.describe()

    def get_wrapped_container(self) -> Any:
        """The docker-py ``Container`` object."""
        return self.running.wrapped()

    def get_docker_client(self) -> DockerClient:
        """testcontainers-python's DockerClient (docker-py's client is its ``.client``; its
        attributes are reachable on it too)."""
        return DockerClient.of(current_session(self._docker_client))

    def exposed_ports(self) -> list[Port]:
        return (
            self.resolved_spec().exposed_ports
            if self._running is None
            else (self._running.exposed_ports())
        )

    def mapped_port(self, port: PortLike) -> int:
        """The host port published for a container port.

        Only valid while the container runs: a container that exited or was removed raises
        ContainerNotRunningError rather than handing out a stale port.
        """
        return self.running.mapped_port(port)

    get_exposed_port = mapped_port

    def host(self) -> str:
        """The address the test process uses to reach this container's published ports."""
        return self.running.host()

    get_container_host_ip = host

    def network_aliases(self, network: NetworkRef | None = None) -> list[str]:
        """Aliases on ``network``, or on every network this container joins (first first)."""
        spec = self._running.spec if self._running is not None else self._spec
        return spec.network_aliases(network)

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

    def exec(
        self,
        command: str | Sequence[str] | ExecConfig,
        *,
        workdir: str | os.PathLike[str] | None = None,
        environment: dict[str, str] | None = None,
        user: str | None = None,
        privileged: bool = False,
    ) -> ExecResult:
        """Run a command inside; the keywords (or an ``ExecConfig``) say how."""
        if not isinstance(command, ExecConfig) and (workdir or environment or user or privileged):
            command = ExecConfig(command, user, environment, workdir, privileged)
        return self.running.exec(command)

    def get_logs(self) -> tuple[bytes, bytes]:
        return self.running.get_logs()

    def follow_logs(
        self, callback: LogCallback, *, stdout: bool = True, stderr: bool = True
    ) -> LogFollower:
        """Feed log lines to ``callback`` from the first one until the container stops."""
        follower = self.running.follow(callback, stdout=stdout, stderr=stderr)
        self._followers.append(follower)
        return follower

    def copy_to_container(
        self, content: bytes | str | Path, container_path: str, mode: int = 0o644
    ) -> None:
        """Copy bytes, a host file or a host directory to ``container_path``."""
        self.running.copy_to(content, container_path, mode)

    copy_into_container = copy_to_container  # testcontainers-python's name

    def copy_from_container(self, container_path: str, host_path: str | Path) -> Path:
        """Copy a file or directory out of the container; returns the host path written."""
        return self.running.copy_from(container_path, host_path)

    def _tail_logs(self, lines: int = 50) -> str:
        return self._running.tail_logs(lines) if self._running is not None else ""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(image={self.image!r}, started={self.started})"
