"""DockerCompose: a Compose environment for a test, with testcontainers-python's API.

``start()`` checks the files (``docker compose config``) and the service names before it
creates anything, starts the session's reaper, writes the override that labels the project
(see ``_project``), runs ``up`` and then each service's wait strategy. Any failure on the
way takes the whole project down again before it is raised, so a failed start leaves
nothing. ``stop()`` takes it down (volumes too, unless ``keep_volumes``).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shlex
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from dockyard.core import (
    ConfigurationError,
    ContainerSpec,
    RunningContainer,
    Session,
    WaitStrategy,
    current_session,
    load_config,
    resolve_image_name,
)

from ._cli import ComposeCli, find_compose
from ._container import ComposeContainer
from ._errors import (
    ComposeCommandError,
    ComposeError,
    ComposeFileError,
    ComposeTimeoutError,
    ServiceExitedError,
    ServiceNotRunningError,
    UnknownServiceError,
)
from ._project import compose_files, new_project_name, override, service_names

OVERRIDE_NAME = "dockyard-labels.override.yaml"
LOG_TAIL = 50
# How `up --wait` says that --wait-timeout ran out (compose has no exit code of its own for it).
WAIT_TIMEOUT_MARKS = ("not healthy after", "timeout", "deadline exceeded")
# Readiness of wait_for(url): one request's limit and the pause between two.
URL_REQUEST_TIMEOUT = 2.0
URL_POLL_INTERVAL = 0.25


def _names(value: Sequence[str] | None, what: str) -> list[str] | None:
    """A list of names from testcontainers-python's list arguments (a bare str is a mistake)."""
    if value is None:
        return None
    if isinstance(value, str) or not all(isinstance(v, str) and v for v in value):
        raise ConfigurationError(
            f"{what} must be a list of names, e.g. {what}=[{value!r}], got {value!r}."
            if isinstance(value, str)
            else f"{what} must be a list of non-empty strings, got {value!r}."
        )
    return list(value)


def _paths(value: str | os.PathLike[str] | Sequence[str] | None, what: str) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str | os.PathLike):
        return [os.fspath(value)]
    paths = [os.fspath(v) for v in value]
    if not paths or not all(paths):
        raise ConfigurationError(f"{what} must be a path or a list of paths, got {value!r}.")
    return paths


def _parse_ps(stdout: bytes) -> list[dict[str, Any]]:
    """``ps --format json``: one object per line (an array on compose before 2.21)."""
    found: list[dict[str, Any]] = []
    for line in stdout.decode(errors="replace").splitlines():
        if not line.strip():
            continue
        data = json.loads(line)
        found.extend(data if isinstance(data, list) else [data])
    return found


class DockerCompose:
    """A Docker Compose environment: the services of ``context``'s compose files.

    The arguments are testcontainers-python's (``docker_command_path`` is a docker CLI
    to run ``compose`` with; by default the plugin is run directly). Every environment is
    its own project (``project_name``), labelled for the session's reaper.
    """

    def __init__(
        self,
        context: str | os.PathLike[str],
        compose_file_name: str | Sequence[str] | None = None,
        pull: bool = False,
        build: bool = False,
        wait: bool = True,
        keep_volumes: bool = False,
        env_file: str | Sequence[str] | None = None,
        services: Sequence[str] | None = None,
        docker_command_path: str | None = None,
        profiles: Sequence[str] | None = None,
        quiet_pull: bool = False,
        quiet_build: bool = False,
    ) -> None:
        self.context = context
        directory = Path(context).absolute()
        if not directory.is_dir():
            raise ComposeFileError(
                f"The compose context {os.fspath(context)!r} is not a directory; pass the "
                "directory that holds the compose file"
            )
        self._directory = directory
        self.compose_file_name = _paths(compose_file_name, "compose_file_name")
        self.env_file = _paths(env_file, "env_file")
        self.services = _names(services, "services")
        self.profiles = _names(profiles, "profiles")
        self.pull = pull
        self.build = build
        self.wait = wait
        self.keep_volumes = keep_volumes
        self.docker_command_path = docker_command_path
        self.quiet_pull = quiet_pull
        self.quiet_build = quiet_build
        #: The compose project: unique per environment, so environments never collide.
        self.project_name = new_project_name(directory)
        self._files = compose_files(directory, self.compose_file_name)
        self._wait_strategies: dict[str, WaitStrategy] = {}
        self._startup_timeout: float | None = None
        self._session: Session | None = None
        self._model: dict[str, Any] | None = None
        self._override_dir: Path | None = None
        self._up = False
        self._running: dict[str, RunningContainer] = {}
        self._lock = threading.Lock()

    # -- configuration --------------------------------------------------------------------
    def waiting_for(self, strategies: Mapping[str, WaitStrategy]) -> Self:
        """Wait strategies per service, run after ``up`` (core's strategies)."""
        checked: dict[str, WaitStrategy] = {}
        for service, strategy in dict(strategies).items():
            if not isinstance(service, str) or not isinstance(strategy, WaitStrategy):
                raise ConfigurationError(
                    "waiting_for takes {service name: WaitStrategy}, e.g. "
                    f'{{"cache": LogMessageWaitStrategy("Ready")}}; got {service!r}: {strategy!r}.'
                )
            checked[service] = strategy
        self._wait_strategies = checked
        return self

    def with_startup_timeout(self, seconds: float) -> Self:
        """How long ``up --wait`` and the wait strategies may take together."""
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not seconds > 0:
            raise ConfigurationError(
                f"The startup timeout must be positive seconds, got {seconds!r}."
            )
        self._startup_timeout = float(seconds)
        return self

    @property
    def startup_timeout(self) -> float:
        return self._startup_timeout or load_config().startup_timeout

    @property
    def session(self) -> Session:
        if self._session is None:
            self._session = current_session()
        return self._session

    # -- running compose ------------------------------------------------------------------
    def _cli(self) -> ComposeCli:
        return find_compose(self.docker_command_path)

    def _project_args(self, *, with_override: bool = True) -> list[str]:
        args = ["-p", self.project_name]
        for name in self._files:
            args += ["-f", name]
        if with_override and self._override_dir is not None:
            args += ["-f", str(self._override_dir / OVERRIDE_NAME)]
        for profile in self.profiles or []:
            args += ["--profile", profile]
        for env_file in self.env_file or []:
            args += ["--env-file", env_file]
        return args

    def docker_compose_command(self) -> list[str]:
        """The command line every compose command of this environment starts with."""
        return [*self._cli().prefix, *self._project_args()]

    @property
    def compose_command_property(self) -> list[str]:
        """testcontainers-python's name for ``docker_compose_command()``."""
        return self.docker_compose_command()

    def _run(
        self, args: Sequence[str], *, with_override: bool = True
    ) -> subprocess.CompletedProcess[bytes]:
        cli = self._cli()
        full = [*self._project_args(with_override=with_override), *args]
        return cli.run(full, cwd=self._directory)

    def _checked(
        self, args: Sequence[str], *, with_override: bool = True
    ) -> subprocess.CompletedProcess[bytes]:
        result = self._run(args, with_override=with_override)
        if result.returncode != 0:
            raise self._command_error(args, result)
        return result

    def _command_error(
        self, args: Sequence[str], result: subprocess.CompletedProcess[bytes]
    ) -> ComposeCommandError:
        return ComposeCommandError(
            f"`docker compose {args[0]}` failed for project {self.project_name} in "
            f"{self._directory} (exit code {result.returncode})",
            command=[*self._cli().prefix, *self._project_args(), *args],
            returncode=result.returncode,
            stdout=result.stdout,
            stderr=result.stderr,
        )

    # -- the project ----------------------------------------------------------------------
    def _load_model(self) -> dict[str, Any]:
        """The whole project, every profile's services included; invalid files fail here."""
        args = ["--profile", "*", "config", "--format", "json"]
        result = self._run(args, with_override=False)
        if result.returncode != 0:
            said = (result.stderr + result.stdout).decode(errors="replace")
            raise ComposeFileError(
                f"The compose files {', '.join(self._files)} in {self._directory} do not make "
                "a valid project (nothing was created); fix what compose reports below",
                compose_output=said,
                command=[*self._cli().prefix, *self._project_args(with_override=False), *args],
            )
        model: dict[str, Any] = json.loads(result.stdout)
        self._model = model
        return model

    def _known_services(self) -> list[str]:
        return service_names(self._model if self._model is not None else self._load_model())

    def _check_service(self, service: str, where: str = "") -> None:
        known = self._known_services()
        if service not in known:
            raise UnknownServiceError(service, known, where=where)

    def _write_override(self, model: Mapping[str, Any], labels: Mapping[str, str]) -> None:
        content = override(model, labels, resolve_image_name)
        if self._override_dir is None:
            self._override_dir = Path(tempfile.mkdtemp(prefix="dockyard-compose-"))
        # JSON is YAML: compose reads it as any compose file.
        (self._override_dir / OVERRIDE_NAME).write_text(json.dumps(content, indent=2) + "\n")

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> Self:
        """Check, label and start the environment; ready when this returns."""
        began = time.monotonic()
        model = self._load_model()
        known = service_names(model)
        for service in self.services or []:
            if service not in known:
                raise UnknownServiceError(service, known, where="services=")
        for service in self._wait_strategies:
            if service not in known:
                raise UnknownServiceError(service, known, where="waiting_for")
        session = self.session
        session.ensure_reaper()  # before anything exists that only the reaper could remove
        self._write_override(model, session.labels())
        try:
            if self.pull:
                self._checked(
                    ["pull", *(["--quiet"] if self.quiet_pull else []), *(self.services or [])]
                )
            self._up = True
            self._run_up(began)
            self._wait_for_services(began)
        except BaseException:
            self._take_down_after_failure()
            raise
        return self

    def _run_up(self, began: float) -> None:
        args = ["up"]
        if self.build:
            args += ["--build", *(["--quiet-build"] if self.quiet_build else [])]
        if self.wait:
            left = max(1, math.ceil(self.startup_timeout - (time.monotonic() - began)))
            args += ["--wait", "--wait-timeout", str(left)]
        else:
            args.append("--detach")
        args += self.services or []
        result = self._run(args)
        said = (result.stderr + result.stdout).decode(errors="replace")
        if result.returncode == 0 and not self.wait:
            return
        try:
            containers = self._ps(include_all=True)
        except ComposeError:
            containers = []
        command = [*self._cli().prefix, *self._project_args(), *args]
        exited = self._exited_error(containers, said, command)
        if exited is not None:
            raise exited
        # Compose 2.40's `up --wait` can return 0 when --wait-timeout runs out while it polls
        # (it takes the cancelled wait for the end of waiting), so health is checked here too.
        not_healthy = [
            str(d.get("Service"))
            for d in containers
            if d.get("Health") in ("starting", "unhealthy")
        ]
        if self.wait and (
            not_healthy
            or (result.returncode != 0 and any(m in said.lower() for m in WAIT_TIMEOUT_MARKS))
        ):
            raise ComposeTimeoutError(
                f"The environment {self.project_name} was not ready within "
                f"{self.startup_timeout:g}s (services not healthy: "
                f"{', '.join(sorted(set(not_healthy))) or 'unknown'}). Raise it with "
                "with_startup_timeout() or DOCKYARD_STARTUP_TIMEOUT, or fix the health checks",
                compose_output=said,
            )
        if result.returncode != 0:
            raise self._command_error(args, result)

    def _exited_error(
        self, containers: list[dict[str, Any]], said: str, command: Sequence[str]
    ) -> ServiceExitedError | None:
        """A service whose container stopped during ``up``, with its last log lines."""
        one_shots = self._completion_services()
        for data in containers:
            if data.get("State") in ("exited", "dead"):
                service = str(data.get("Service") or "")
                exit_code = data.get("ExitCode")
                if service in one_shots and exit_code == 0:
                    continue  # done, as the services that depend on it wanted
                return ServiceExitedError(
                    service,
                    str(data.get("Name") or ""),
                    exit_code=exit_code if isinstance(exit_code, int) else None,
                    logs=self._service_logs(service),
                    compose_output=said,
                    command=command,
                    container_id=str(data.get("ID") or "") or None,
                )
        return None

    def _completion_services(self) -> set[str]:
        """Services others depend on with ``condition: service_completed_successfully``."""
        services = (self._model or {}).get("services") or {}
        return {
            name
            for service in services.values()
            for name, dependency in (service.get("depends_on") or {}).items()
            if (dependency or {}).get("condition") == "service_completed_successfully"
        }

    def _service_logs(self, service: str) -> str:
        if not service:
            return ""
        result = self._run(
            ["logs", "--no-color", "--no-log-prefix", "--tail", str(LOG_TAIL), service]
        )
        return (result.stdout + result.stderr).decode(errors="replace")

    def _wait_for_services(self, began: float) -> None:
        for service, strategy in self._wait_strategies.items():
            handle = self._handle_for_wait(service, began)
            strategy.wait_until_ready(handle)

    def _handle_for_wait(self, service: str, began: float) -> ComposeContainer:
        matching = [d for d in self._ps(include_all=True) if d.get("Service") == service]
        if not matching:
            raise ServiceNotRunningError(
                f"Service {service!r} has a wait strategy but no container: it was not started "
                f"(services={self.services}, profiles={self.profiles}); select it or drop its "
                "strategy"
            )
        data = next((d for d in matching if d.get("State") == "running"), matching[0])
        if data.get("State") != "running":
            exit_code = data.get("ExitCode")
            raise ServiceExitedError(
                service,
                str(data.get("Name") or ""),
                exit_code=exit_code if isinstance(exit_code, int) else None,
                logs=self._service_logs(service),
            )
        return ComposeContainer(data, self, timeout=self.startup_timeout, began=began)

    def _take_down_after_failure(self) -> None:
        """After a failed start: remove everything, keeping the original error."""
        # If even that fails the reaper removes it; the start's error is what matters.
        with contextlib.suppress(Exception):
            self._down(remove_volumes=True)

    def stop(self, down: bool = True) -> None:
        """Take the environment down: containers, networks, built images, and volumes
        unless ``keep_volumes``. ``down=False`` only stops the containers (start() again
        resumes them)."""
        if not self._up:
            self._forget_override()
            return
        if down:
            self._down(remove_volumes=not self.keep_volumes)
        else:
            try:
                self._checked(["stop"])
            finally:
                self._detach_all()

    def _down(self, *, remove_volumes: bool) -> None:
        args = ["down", "--remove-orphans", "--rmi", "local"]
        if remove_volumes:
            # Nothing of it is kept, so nothing needs a graceful stop.
            args += ["--volumes", "--timeout", "0"]
        try:
            self._checked(args)
        finally:
            self._detach_all()
            self._up = False
            self._forget_override()

    def _forget_override(self) -> None:
        if self._override_dir is not None:
            shutil.rmtree(self._override_dir, ignore_errors=True)
            self._override_dir = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # -- containers -----------------------------------------------------------------------
    def _ps(self, *, include_all: bool = False) -> list[dict[str, Any]]:
        args = ["ps", "--format", "json", *(["--all"] if include_all else [])]
        return _parse_ps(self._checked(args).stdout)

    def get_containers(self, include_all: bool = False) -> list[ComposeContainer]:
        """The environment's running containers (``include_all``: stopped ones too)."""
        return [
            ComposeContainer(data, self, timeout=self.startup_timeout)
            for data in self._ps(include_all=include_all)
        ]

    def get_container(
        self, service_name: str | None = None, include_all: bool = False
    ) -> ComposeContainer:
        """The container of ``service_name`` (or the only container, when it is None)."""
        containers = self.get_containers(include_all=include_all)
        if service_name is None:
            if len(containers) != 1:
                raise ServiceNotRunningError(
                    "get_container() without a service name needs exactly one container, but "
                    f"the environment has {len(containers)}; name the service"
                )
            return containers[0]
        matching = [c for c in containers if c.Service == service_name]
        if not matching:
            self._check_service(service_name)
            raise ServiceNotRunningError(
                f"Service {service_name!r} has no running container in project "
                f"{self.project_name} (not selected by services=/profiles=, stopped, or exited)"
            )
        return matching[0]

    def _running_for(self, container_id: str) -> RunningContainer:
        with self._lock:
            running = self._running.get(container_id)
            if running is not None:
                return running
        session = self.session
        attrs = session.engine.inspect_container(container_id)
        bindings = (attrs.get("NetworkSettings") or {}).get("Ports") or {}
        ports = sorted(key for key, bound in bindings.items() if bound)
        image = str((attrs.get("Config") or {}).get("Image") or attrs.get("Image") or "")
        spec = (
            ContainerSpec.of(image).with_exposed_ports(*ports) if ports else ContainerSpec.of(image)
        )
        made = RunningContainer(session, attrs, spec, image, created=False)
        with self._lock:
            running = self._running.setdefault(container_id, made)
        if running is not made:
            made.detach()
        return running

    def _running_if_made(self, container_id: str) -> RunningContainer | None:
        with self._lock:
            return self._running.get(container_id)

    def _detach_all(self) -> None:
        with self._lock:
            made, self._running = list(self._running.values()), {}
        for running in made:
            running.detach()

    # -- services -------------------------------------------------------------------------
    def get_service_port(self, service_name: str | None = None, port: int | None = None) -> int:
        """The host port published for ``port`` of the service (its only one if None)."""
        publisher = self.get_container(service_name).get_publisher(by_port=port)
        assert publisher.PublishedPort is not None
        return publisher.PublishedPort

    def get_service_host(self, service_name: str | None = None, port: int | None = None) -> str:
        """The address the test process reaches the service's published ports on."""
        container = self.get_container(service_name)
        container.get_publisher(by_port=port)  # the port must be published
        return container.host()

    def get_service_host_and_port(
        self, service_name: str | None = None, port: int | None = None
    ) -> tuple[str, int]:
        container = self.get_container(service_name)
        publisher = container.get_publisher(by_port=port)
        assert publisher.PublishedPort is not None
        return container.host(), publisher.PublishedPort

    def exec_in_container(
        self, command: str | Sequence[str], service_name: str | None = None
    ) -> tuple[str, str, int]:
        """Run ``command`` in the service's container: stdout, stderr and its exit code."""
        if service_name is None:
            service_name = self.get_container().service
        self._check_service(service_name)
        argv = shlex.split(command) if isinstance(command, str) else list(command)
        if not argv:
            raise ConfigurationError("exec_in_container needs a command, e.g. ['echo', 'hi'].")
        result = self._run(["exec", "-T", service_name, *argv])
        stdout = result.stdout.decode(errors="replace")
        stderr = result.stderr.decode(errors="replace")
        if result.returncode != 0 and "is not running" in stderr and not stdout:
            raise ServiceNotRunningError(
                f"Service {service_name!r} has no running container to run {argv!r} in",
                compose_output=stderr,
            )
        return stdout, stderr, result.returncode

    def get_logs(self, *services: str) -> tuple[str, str]:
        """``docker compose logs`` of the services (all when none is named)."""
        for service in services:
            self._check_service(service)
        result = self._checked(["logs", "--no-color", *services])
        return result.stdout.decode(errors="replace"), result.stderr.decode(errors="replace")

    def get_config(
        self, *, path_resolution: bool = True, normalize: bool = True, interpolate: bool = True
    ) -> dict[str, Any]:
        """The project as compose resolves it (``config --format json``), without Dockyard's
        labels."""
        args = ["config", "--format", "json"]
        if not path_resolution:
            args.append("--no-path-resolution")
        if not normalize:
            args.append("--no-normalize")
        if not interpolate:
            args.append("--no-interpolate")
        result = self._run(args, with_override=False)
        if result.returncode != 0:
            raise ComposeFileError(
                f"`docker compose config` failed for {', '.join(self._files)} in "
                f"{self._directory}; fix what compose reports below",
                compose_output=(result.stderr + result.stdout).decode(errors="replace"),
            )
        config: dict[str, Any] = json.loads(result.stdout)
        return config

    def wait_for(self, url: str) -> Self:
        """Block until ``url`` answers with a status below 400 (within the startup timeout)."""
        deadline = time.monotonic() + self.startup_timeout
        last: BaseException | None = None
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=URL_REQUEST_TIMEOUT) as response:
                    if 200 <= response.status < 400:
                        return self
            except urllib.error.HTTPError as exc:
                last = exc
            except OSError as exc:  # refused, reset, timed out: not up yet
                last = exc
            time.sleep(URL_POLL_INTERVAL)
        raise ComposeTimeoutError(
            f"{url} did not answer within {self.startup_timeout:g}s (last: {last!r}); raise the "
            "timeout with with_startup_timeout() or DOCKYARD_STARTUP_TIMEOUT"
        )
