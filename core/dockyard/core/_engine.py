"""The engine layer: the one place that talks to docker-py.

``Engine`` is the narrow contract the rest of core needs from a container engine; every
request is one method, so what a container costs in API requests can be read off the code.
``DockerEngine`` implements it over docker-py's low-level client and turns every engine
error into a ``DockyardError`` here, once. ``dockyard.core.testing.FakeEngine`` implements
the same contract in memory for unit tests.
"""

from __future__ import annotations

import contextlib
import inspect
import logging
import os
import socket
import struct
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import docker
import docker.api.build
import docker.constants
import docker.errors
import requests.exceptions
from docker.models.containers import _create_container_args
from docker.types import EndpointConfig

from ._errors import (
    ConfigurationError,
    ConflictError,
    DockerUnavailableError,
    EngineError,
    NotFoundError,
)

log = logging.getLogger("dockyard.core.engine")

DEFAULT_SOCKET_URL = "unix:///var/run/docker.sock"
REQUEST_TIMEOUT = 120
# Every running container holds one streaming connection (its log stream); docker-py's
# default pool of 10 would discard connections with a warning beyond ten containers.
POOL_SIZE = 64
# How long a log stream's headers may take before the stream is opened on the reader's
# thread instead (Docker answers at once; Podman 4.3 only with the first output).
LOG_HEADERS_TIMEOUT = 2.0
STDOUT, STDERR = 1, 2

# testcontainers-python constructor arguments that docker-py's create() spells differently.
_TESTCONTAINERS_PYTHON_HINTS = {
    "env": "with_env(key, value) / with_envs(KEY=value)",
    "docker_client_kw": "docker_client=docker.DockerClient(...)",
    "network_aliases": "with_network(network).with_network_aliases(...)",
}


@dataclass(frozen=True)
class ExecOutput:
    exit_code: int
    output: bytes


class LogStream(Protocol):
    """A container's output as it is written: ``(STDOUT or STDERR, bytes)`` until it exits."""

    def __iter__(self) -> Iterator[tuple[int, bytes]]: ...

    def close(self) -> None: ...


class EventStream(Protocol):
    """Engine events as they happen, until ``until`` or ``close()``."""

    def __iter__(self) -> Iterator[dict[str, Any]]: ...

    def close(self) -> None: ...


class Engine(Protocol):
    """What core asks of a container engine. One method, one API request (exec: three)."""

    @property
    def url(self) -> str: ...

    @property
    def docker_client(self) -> Any: ...

    def version(self) -> dict[str, Any]: ...

    def validate_create_options(self, options: Mapping[str, Any]) -> None: ...

    # containers
    def create_container(
        self, options: Mapping[str, Any], network: str | None, aliases: Sequence[str]
    ) -> str: ...

    def start_container(self, ident: str) -> None: ...

    def inspect_container(self, ident: str) -> dict[str, Any]: ...

    def list_containers(self, filters: Mapping[str, Any]) -> list[dict[str, Any]]: ...

    def remove_container(self, ident: str, *, volumes: bool = True) -> None: ...

    def stop_container(self, ident: str, timeout: float | None = None) -> None: ...

    def kill_container(self, ident: str, signal: str | None = None) -> None: ...

    def wait_container(self, ident: str, timeout: float | None = None) -> int: ...

    def connect_network(self, network: str, ident: str, aliases: Sequence[str]) -> None: ...

    def disconnect_network(self, network: str, ident: str) -> None: ...

    def put_archive(self, ident: str, path: str, data: bytes) -> None: ...

    def get_archive(self, ident: str, path: str) -> Iterator[bytes]: ...

    def exec(
        self,
        ident: str,
        command: str | Sequence[str],
        *,
        user: str = "",
        workdir: str | None = None,
        environment: Mapping[str, str] | None = None,
        privileged: bool = False,
    ) -> ExecOutput: ...

    def logs(
        self,
        ident: str,
        *,
        tty: bool,
        stdout: bool = True,
        stderr: bool = True,
        tail: int | None = None,
    ) -> bytes: ...

    def follow_logs(self, ident: str, *, tty: bool) -> LogStream: ...

    def events(
        self, filters: Mapping[str, Any], since: float | None, until: float | None
    ) -> EventStream: ...

    # networks
    def create_network(
        self, name: str, *, driver: str, labels: Mapping[str, str], options: Mapping[str, Any]
    ) -> str: ...

    def remove_network(self, ident: str) -> None: ...

    def inspect_network(self, ident: str) -> dict[str, Any]: ...

    def list_networks(self, filters: Mapping[str, Any]) -> list[dict[str, Any]]: ...

    # images
    def image_present(self, ref: str) -> bool: ...

    def pull_image(self, repository: str, reference: str) -> Iterator[dict[str, Any]]: ...

    def build_image(self, **options: Any) -> Iterator[dict[str, Any]]: ...

    def remove_image(self, ref: str) -> None: ...

    def inspect_image(self, ref: str) -> dict[str, Any]: ...

    def list_images(self, filters: Mapping[str, Any]) -> list[dict[str, Any]]: ...

    def container_model(self, attrs: Mapping[str, Any]) -> Any:
        """docker-py's ``Container`` for inspect data (no request): the escape hatch."""

    def network_model(self, ident: str) -> Any:
        """docker-py's ``Network`` (one request): the escape hatch."""

    def close(self) -> None: ...


def _explanation(exc: docker.errors.APIError) -> str:
    text = exc.explanation
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    return str(text or exc).strip()


NETWORK_CREATE_ATTEMPTS = 3
_VANISHED_INTERFACE = "no such network interface"

# Podman 4.3's compatible API answers some of Docker's 404s and 409s with a 500; its words
# tell them apart (e.g. "no such container", "the container name ... is already in use").
_PODMAN_NOT_FOUND = ("no such container", "no such network", "no such image", "no such volume")
_PODMAN_CONFLICT = ("is already in use",)


def _podman_status(status: int | None, explanation: str) -> int | None:
    if status != 500:
        return status
    text = explanation.lower()
    if any(words in text for words in _PODMAN_NOT_FOUND):
        return 404
    if any(words in text for words in _PODMAN_CONFLICT):
        return 409
    return status


@contextlib.contextmanager
def engine_errors(url: str, action: str) -> Iterator[None]:
    """Turn what docker-py raises into Dockyard's hierarchy; interrupts pass unchanged."""
    try:
        yield
    except docker.errors.NotFound as exc:
        explanation = _explanation(exc)
        raise NotFoundError(
            f"{action}: {explanation}", status_code=404, explanation=explanation
        ) from exc
    except docker.errors.APIError as exc:
        explanation = _explanation(exc)
        status = _podman_status(exc.status_code, explanation)
        if status == 404:
            raise NotFoundError(
                f"{action}: {explanation}", status_code=404, explanation=explanation
            ) from exc
        kind = ConflictError if status == 409 else EngineError
        raise kind(f"{action}: {explanation}", status_code=status, explanation=explanation) from exc
    except requests.exceptions.ConnectionError as exc:
        raise DockerUnavailableError(f"{url}: {exc}") from exc
    except requests.exceptions.RequestException as exc:
        raise EngineError(f"{action}: the engine at {url} did not answer: {exc}") from exc
    except docker.errors.DockerException as exc:
        raise EngineError(f"{action}: {exc}") from exc


def client_environment(docker_host: str | None) -> dict[str, str]:
    """The environment docker-py reads: ours, with the configured engine as DOCKER_HOST.

    Going through docker-py's own reading keeps DOCKER_TLS_VERIFY and DOCKER_CERT_PATH in
    force for a host that came from ~/.testcontainers.properties as well as from the env.
    """
    environment = dict(os.environ)
    if docker_host:
        environment["DOCKER_HOST"] = docker_host
    return environment


def pin_engine_ca(api: Any) -> None:
    """Keep the engine's CA (DOCKER_CERT_PATH/ca.pem) in force for every request.

    requests lets REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE (set machine-wide on many CI hosts)
    replace a session's CA file, and then a TLS engine with its own CA fails every request
    with CERTIFICATE_VERIFY_FAILED. Proxies and the rest of the environment still apply.
    """
    ca = getattr(api, "verify", None)
    if not isinstance(ca, str):
        return
    merge = api.merge_environment_settings

    def merge_keeping_ca(*args: Any, **kwargs: Any) -> dict[str, Any]:
        settings = dict(merge(*args, **kwargs))
        settings["verify"] = ca
        return settings

    api.merge_environment_settings = merge_keeping_ca


def make_client(**kwargs: Any) -> Any:
    """A docker-py client from the environment, with docker-py's own keyword arguments
    (testcontainers-python's ``docker_client_kw``)."""
    try:
        return docker.from_env(**{"max_pool_size": POOL_SIZE, **kwargs})
    except TypeError as exc:
        raise ConfigurationError(
            f"docker_client_kw={kwargs!r}: {exc}. These go to docker.from_env()."
        ) from exc
    except docker.errors.DockerException as exc:
        raise DockerUnavailableError(str(exc)) from exc


class _FrameStream:
    """The log stream of one container, read frame by frame (or raw for a tty)."""

    def __init__(self, response: Any, sock: Any, tty: bool) -> None:
        self._response = response
        self._sock = sock
        self._tty = tty
        self._closed = False

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        raw = self._response.raw
        try:
            while not self._closed:
                if self._tty:
                    data = raw.read1(65536)
                    if not data:
                        return
                    yield STDOUT, bytes(data)
                    continue
                header = raw.read(8)
                if len(header) < 8:
                    return
                kind, size = struct.unpack(">BxxxL", header)
                if not size:
                    continue
                payload = raw.read(size)
                if not payload:
                    return
                yield (STDERR if kind == STDERR else STDOUT), bytes(payload)
        except (OSError, ValueError, AttributeError, requests.exceptions.RequestException):
            return  # closed under us (stop()) or by the engine: the stream is over
        except Exception as exc:  # urllib3's protocol errors on a cut connection
            log.debug("log stream ended: %r", exc)
            return

    def close(self) -> None:
        self._closed = True
        # shutdown() wakes a reader blocked in another thread; close() alone may not.
        for target in (self._sock, getattr(self._sock, "_sock", None)):
            if target is not None:
                with contextlib.suppress(Exception):
                    target.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(Exception):
            self._response.close()


class _LazyStream:
    """A log stream opened by whoever iterates it first (the log watcher's thread)."""

    def __init__(self, open_stream: Callable[[], LogStream]) -> None:
        self._open = open_stream
        self._stream: LogStream | None = None
        self._closed = False

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        if self._closed:
            return
        self._stream = self._open()
        if self._closed:  # closed while the headers were awaited
            self._stream.close()
            return
        yield from self._stream

    def close(self) -> None:
        # A reader still awaiting headers is released when the container goes away.
        self._closed = True
        if self._stream is not None:
            self._stream.close()


def _probe_unix_socket(url: str) -> None:
    """Fail on a unix socket nobody serves before docker-py tries it: docker-py's unix
    connection leaves its socket open when ``connect`` fails (a ResourceWarning later)."""
    if not url.startswith("unix://"):
        return
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.settimeout(REQUEST_TIMEOUT)
        probe.connect(url.removeprefix("unix://"))
    except OSError as exc:
        raise DockerUnavailableError(f"{url}: {exc}") from exc
    finally:
        probe.close()


class DockerEngine:
    """``Engine`` over docker-py's low-level API client."""

    def __init__(self, client: Any, url: str) -> None:
        self._client = client
        self._api = client.api
        self._url = url

    @classmethod
    def connect(cls, docker_host: str | None) -> DockerEngine:
        """A client for the configured engine that answered a ping, or DockerUnavailableError."""
        where = docker_host or os.environ.get("DOCKER_HOST") or DEFAULT_SOCKET_URL
        _probe_unix_socket(where)
        client = None
        try:
            client = docker.from_env(
                timeout=REQUEST_TIMEOUT,
                max_pool_size=POOL_SIZE,
                environment=client_environment(docker_host),
            )
            pin_engine_ca(client.api)
            client.ping()
        except (docker.errors.DockerException, requests.exceptions.RequestException) as exc:
            if client is not None:
                client.close()
            raise DockerUnavailableError(f"{where}: {exc}") from exc
        return cls(client, where)

    @classmethod
    def from_client(cls, client: Any) -> DockerEngine:
        """Wrap a docker-py client the caller made (``DockerContainer(docker_client=...)``)."""
        base = str(getattr(client.api, "base_url", "") or "")
        if base.startswith("http+docker://"):  # docker-py's rewrite of unix sockets
            base = os.environ.get("DOCKER_HOST") or DEFAULT_SOCKET_URL
        return cls(client, base or DEFAULT_SOCKET_URL)

    def _errors(self, action: str) -> contextlib.AbstractContextManager[None]:
        return engine_errors(self._url, action)

    @property
    def url(self) -> str:
        return self._url

    @property
    def docker_client(self) -> Any:
        return self._client

    @property
    def api_version(self) -> str:
        return str(self._api._version)

    def version(self) -> dict[str, Any]:
        with self._errors("reading the engine version"):
            return dict(self._api.version())

    def validate_create_options(self, options: Mapping[str, Any]) -> None:
        """Raise ConfigurationError unless docker-py's ``containers.create`` accepts them.

        docker-py's own argument conversion runs (no request), so an unknown or malformed
        option fails before the reaper, networks or the container exist.
        """
        validate_create_options(options, self.api_version)

    # -- containers -------------------------------------------------------------------
    def create_container(
        self, options: Mapping[str, Any], network: str | None, aliases: Sequence[str]
    ) -> str:
        kwargs = dict(options)
        if network is not None:
            kwargs["network"] = network
            kwargs["networking_config"] = {
                network: EndpointConfig(self.api_version, aliases=list(aliases) or None)
            }
        kwargs["version"] = self.api_version
        with self._errors(f"creating a container from {kwargs.get('image')}"):
            created = self._api.create_container(**_create_container_args(kwargs))
        return str(created["Id"])

    def start_container(self, ident: str) -> None:
        with self._errors(f"starting container {ident[:12]}"):
            self._api.start(ident)

    def inspect_container(self, ident: str) -> dict[str, Any]:
        with self._errors(f"inspecting container {ident[:12]}"):
            return dict(self._api.inspect_container(ident))

    def list_containers(self, filters: Mapping[str, Any]) -> list[dict[str, Any]]:
        with self._errors("listing containers"):
            return list(self._api.containers(all=True, filters=dict(filters)))

    def remove_container(self, ident: str, *, volumes: bool = True) -> None:
        """Remove with force (and anonymous volumes); already gone or being removed is fine."""
        try:
            with self._errors(f"removing container {ident[:12]}"):
                self._api.remove_container(ident, force=True, v=volumes)
        except NotFoundError:
            return
        except ConflictError as exc:
            if "in progress" not in exc.explanation and "is already" not in exc.explanation:
                raise

    def stop_container(self, ident: str, timeout: float | None = None) -> None:
        with self._errors(f"stopping container {ident[:12]}"):
            self._api.stop(ident, timeout=int(timeout) if timeout is not None else None)

    def kill_container(self, ident: str, signal: str | None = None) -> None:
        with self._errors(f"killing container {ident[:12]}"):
            self._api.kill(ident, signal=signal)

    def wait_container(self, ident: str, timeout: float | None = None) -> int:
        with self._errors(f"waiting for container {ident[:12]}"):
            result = self._api.wait(ident, timeout=timeout)
        return int(result.get("StatusCode", -1))

    def connect_network(self, network: str, ident: str, aliases: Sequence[str]) -> None:
        with self._errors(f"connecting container {ident[:12]} to network {network!r}"):
            self._api.connect_container_to_network(ident, network, aliases=list(aliases) or None)

    def disconnect_network(self, network: str, ident: str) -> None:
        with self._errors(f"disconnecting container {ident[:12]} from network {network!r}"):
            self._api.disconnect_container_from_network(ident, network, force=True)

    def put_archive(self, ident: str, path: str, data: bytes) -> None:
        with self._errors(f"copying into container {ident[:12]}"):
            if not self._api.put_archive(ident, path, data):
                raise EngineError(f"copying into container {ident[:12]}: the engine refused")

    def get_archive(self, ident: str, path: str) -> Iterator[bytes]:
        with self._errors(f"copying {path} out of container {ident[:12]}"):
            chunks, _ = self._api.get_archive(ident, path)
        return iter(chunks)

    def exec(
        self,
        ident: str,
        command: str | Sequence[str],
        *,
        user: str = "",
        workdir: str | None = None,
        environment: Mapping[str, str] | None = None,
        privileged: bool = False,
    ) -> ExecOutput:
        argv = command if isinstance(command, str) else list(command)
        with self._errors(f"running {argv!r} in container {ident[:12]}"):
            created = self._api.exec_create(
                ident,
                argv,
                user=user,
                workdir=workdir,
                environment=dict(environment) if environment else None,
                privileged=privileged,
            )
            output = self._api.exec_start(created["Id"])
            code = self._api.exec_inspect(created["Id"]).get("ExitCode")
        return ExecOutput(int(code or 0), bytes(output or b""))

    def logs(
        self,
        ident: str,
        *,
        tty: bool,
        stdout: bool = True,
        stderr: bool = True,
        tail: int | None = None,
    ) -> bytes:
        params = {"stdout": int(stdout), "stderr": int(stderr), "tail": tail or "all"}
        with self._errors(f"reading the logs of container {ident[:12]}"):
            response = self._api._get(
                self._api._url("/containers/{0}/logs", ident), params=params, stream=False
            )
            self._api._raise_for_status(response)
            body = bytes(response.content)
        return body if tty else _demultiplex(body)

    def follow_logs(self, ident: str, *, tty: bool) -> LogStream:
        try:
            return self._open_log_stream(ident, tty, LOG_HEADERS_TIMEOUT)
        except EngineError as exc:
            if not isinstance(exc.__cause__, requests.exceptions.ReadTimeout):
                raise
        # Podman (4.3) sends the response headers with the first output only, so a quiet
        # container's stream opens on the reader's thread instead (nothing is lost: tail=all).
        log.debug("no log headers from %s yet; the reader opens the stream", ident[:12])
        return _LazyStream(lambda: self._open_log_stream(ident, tty, None))

    def _open_log_stream(self, ident: str, tty: bool, headers_timeout: float | None) -> LogStream:
        params = {"stdout": 1, "stderr": 1, "follow": 1, "tail": "all"}
        with self._errors(f"following the logs of container {ident[:12]}"):
            response = self._api._get(
                self._api._url("/containers/{0}/logs", ident),
                params=params,
                stream=True,
                timeout=(REQUEST_TIMEOUT, headers_timeout),
            )
            self._api._raise_for_status(response)
            sock = self._api._get_raw_response_socket(response)
            self._api._disable_socket_timeout(sock)
        return _FrameStream(response, sock, tty)

    def events(
        self, filters: Mapping[str, Any], since: float | None, until: float | None
    ) -> EventStream:
        with self._errors("reading engine events"):
            stream: EventStream = self._api.events(
                since=since, until=until, filters=dict(filters), decode=True
            )
        return stream

    # -- networks -----------------------------------------------------------------------
    def create_network(
        self, name: str, *, driver: str, labels: Mapping[str, str], options: Mapping[str, Any]
    ) -> str:
        for attempt in range(NETWORK_CREATE_ATTEMPTS):
            try:
                return self._create_network(name, driver, labels, options)
            except EngineError as exc:
                # Podman 4.3 lists the host's interfaces to pick a free subnet; one that
                # vanishes meanwhile (another container's veth) fails the whole request.
                if (
                    _VANISHED_INTERFACE not in exc.explanation
                    or attempt == NETWORK_CREATE_ATTEMPTS - 1
                ):
                    raise
                log.debug("creating network %s raced an interface going away; again", name)
        raise AssertionError("unreachable")

    def _create_network(
        self, name: str, driver: str, labels: Mapping[str, str], options: Mapping[str, Any]
    ) -> str:
        with self._errors(f"creating network {name!r}"):
            try:
                created = self._api.create_network(
                    name, driver=driver, labels=dict(labels), check_duplicate=True, **options
                )
            except TypeError as exc:
                raise ConfigurationError(
                    f"Invalid options for network {name}: {exc}. Extra keyword arguments of "
                    "Network go to docker-py's networks.create()."
                ) from exc
        return str(created["Id"])

    def remove_network(self, ident: str) -> None:
        try:
            with self._errors(f"removing network {ident[:12]}"):
                self._api.remove_network(ident)
        except NotFoundError:
            return

    def inspect_network(self, ident: str) -> dict[str, Any]:
        with self._errors(f"inspecting network {ident[:12]}"):
            return dict(self._api.inspect_network(ident))

    def list_networks(self, filters: Mapping[str, Any]) -> list[dict[str, Any]]:
        with self._errors("listing networks"):
            return list(self._api.networks(filters=dict(filters)))

    # -- images -----------------------------------------------------------------------------
    def image_present(self, ref: str) -> bool:
        try:
            with self._errors(f"inspecting image {ref}"):
                self._api.inspect_image(ref)
        except NotFoundError:
            return False
        return True

    def pull_image(self, repository: str, reference: str) -> Iterator[dict[str, Any]]:
        with self._errors(f"pulling {repository}:{reference}"):
            stream = self._api.pull(repository, tag=reference, stream=True, decode=True)
            yield from stream

    def build_image(self, **options: Any) -> Iterator[dict[str, Any]]:
        with self._errors(f"building {options.get('path')}"):
            yield from self._api.build(decode=True, **options)

    def list_images(self, filters: Mapping[str, Any]) -> list[dict[str, Any]]:
        with self._errors("listing images"):
            return list(self._api.images(filters=dict(filters)))

    def inspect_image(self, ref: str) -> dict[str, Any]:
        with self._errors(f"inspecting image {ref}"):
            return dict(self._api.inspect_image(ref))

    def remove_image(self, ref: str) -> None:
        try:
            with self._errors(f"removing image {ref}"):
                self._api.remove_image(ref, force=True)
        except NotFoundError:
            return

    def container_model(self, attrs: Mapping[str, Any]) -> Any:
        return self._client.containers.prepare_model(dict(attrs))

    def network_model(self, ident: str) -> Any:
        with self._errors(f"inspecting network {ident[:12]}"):
            return self._client.networks.get(ident)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._client.close()


def _demultiplex(body: bytes) -> bytes:
    out = bytearray()
    offset = 0
    while offset + 8 <= len(body):
        _, size = struct.unpack_from(">BxxxL", body, offset)
        offset += 8
        out += body[offset : offset + size]
        offset += size
    return bytes(out)


_BUILD_OPTIONS = frozenset(
    name
    for name in inspect.signature(docker.api.build.BuildApiMixin.build).parameters
    if name != "self"
)


def validate_build_options(options: Mapping[str, Any]) -> None:
    """Raise ConfigurationError for an option docker-py's ``build`` does not take."""
    unknown = sorted(set(options) - _BUILD_OPTIONS)
    if unknown:
        raise ConfigurationError(
            f"Unknown image build options {unknown}: they go to docker-py's build(); "
            f"known ones are {', '.join(sorted(_BUILD_OPTIONS))}."
        )


def validate_create_options(options: Mapping[str, Any], api_version: str | None = None) -> None:
    """Raise ConfigurationError unless docker-py's ``containers.create`` accepts ``options``."""
    ports = options.get("ports")
    if ports is not None and not isinstance(ports, dict):
        raise ConfigurationError(
            f"ports={ports!r} is not docker-py's ports mapping. To publish ports use "
            "with_exposed_ports(6379) (random host port) or with_bind_ports(6379, 16379); "
            "testcontainers-python's ports=[...] argument is with_exposed_ports(...) here."
        )
    volumes = options.get("volumes")
    if isinstance(volumes, list | tuple) and any(isinstance(v, tuple) for v in volumes):
        raise ConfigurationError(
            f"volumes={volumes!r}: use with_volume_mapping(host, container, mode) for each "
            "(testcontainers-python's volumes=[(host, container, mode)])."
        )
    for key, hint in _TESTCONTAINERS_PYTHON_HINTS.items():
        if key in options:
            raise ConfigurationError(
                f"{key}= is not a docker-py create() argument; use {hint} instead."
            )
    probe = {
        **options,
        "image": options.get("image") or "validation",
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
